import { describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '../../console/src/config';
import {
  acceptedType,
  INLINE_BUDGET_BYTES,
  LONG_POLL_SECONDS,
  nextPollDelayMs,
  pagePictures,
  pollDelayMs,
  problemsWith,
  sendPlan,
} from '../../console/src/submission';

const MiB = 1024 * 1024;

describe('sending picked files', () => {
  it('accepts JPEG, PNG, TIFF and PDF, by type or (when the browser gives none) by name', () => {
    expect(acceptedType({ name: 'a.jpg', type: 'image/jpeg', size: 1 })).toBe('image/jpeg');
    expect(acceptedType({ name: 'scan.TIF', type: '', size: 1 })).toBe('image/tiff');
    expect(acceptedType({ name: 'a.heic', type: 'image/heic', size: 1 })).toBeUndefined();
    expect(acceptedType({ name: 'a.png', type: 'text/plain', size: 1 })).toBeUndefined();
  });

  it('says what is wrong before anything is sent', () => {
    expect(problemsWith([])).toEqual(['Pick at least one photo or PDF.']);
    expect(problemsWith([{ name: 'a.heic', type: 'image/heic', size: 10 }])[0]).toContain(
      'only JPEG, PNG, TIFF and PDF',
    );
    expect(problemsWith([{ name: 'big.png', type: 'image/png', size: 11 * MiB }])[0]).toContain(
      'larger than 10 MiB',
    );
    expect(
      problemsWith(Array.from({ length: 21 }, () => ({ name: 'a.png', type: 'image/png', size: 1 })))[0],
    ).toContain('At most 20 files');
    expect(problemsWith([{ name: 'a.png', type: 'image/png', size: 100 }])).toEqual([]);
  });

  it('sends files inline while they fit the request, each one past that by upload', () => {
    const plan = sendPlan([
      { name: 'a.jpg', type: 'image/jpeg', size: 3 * MiB },
      { name: 'b.pdf', type: 'application/pdf', size: 2 * MiB },
      { name: 'c.png', type: 'image/png', size: INLINE_BUDGET_BYTES - 3 * MiB },
    ]);
    expect(plan).toEqual([
      { how: 'inline', type: 'image/jpeg' },
      { how: 'upload', type: 'application/pdf' },
      { how: 'inline', type: 'image/png' },
    ]);
  });

  it('matches pictures to page numbers only up to the first PDF or TIFF (their page counts are unknown)', () => {
    expect([...pagePictures(['image/png', 'image/jpeg', 'application/pdf', 'image/png'])]).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect([...pagePictures(['image/tiff', 'image/png'])]).toEqual([]);
  });

  it('asks again at once after a long poll the API held, and backs off after one it answered at once', () => {
    expect(nextPollDelayMs(3, LONG_POLL_SECONDS * 1000)).toBe(0);
    expect(nextPollDelayMs(3, 20, 2)).toBe(2000);
    expect(nextPollDelayMs(3, 20)).toBe(pollDelayMs(3));
  });

  it('polls quickly at first, then backs off to 5 s, following Retry-After within that', () => {
    const delays = Array.from({ length: 12 }, (_, attempt) => pollDelayMs(attempt));
    expect(delays[0]).toBe(400);
    expect(delays.every((delay, i) => i === 0 || delay >= (delays[i - 1] as number))).toBe(true);
    expect(delays.at(-1)).toBe(5000);
    expect(pollDelayMs(0, 2)).toBe(2000);
    expect(pollDelayMs(0, 60)).toBe(5000);
  });
});

describe('console config file', () => {
  it('reads the local and the Cognito shapes, and refuses anything else', () => {
    expect(parseConsoleConfig({ apiUrl: '', auth: { kind: 'local' } })).toEqual({
      apiUrl: '',
      auth: { kind: 'local' },
    });
    expect(
      parseConsoleConfig({
        apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/',
        auth: { kind: 'cognito', region: 'eu-west-1', userPoolId: 'eu-west-1_x', clientId: 'c' },
      }),
    ).toEqual({
      apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      auth: { kind: 'cognito', region: 'eu-west-1', userPoolId: 'eu-west-1_x', clientId: 'c' },
    });
    expect(() => parseConsoleConfig({ apiUrl: '', auth: { kind: 'cognito', region: 'x' } })).toThrow(
      'userPoolId',
    );
    expect(() => parseConsoleConfig({ apiUrl: 'javascript:alert(1)', auth: { kind: 'local' } })).toThrow(
      'not a URL',
    );
    expect(() => parseConsoleConfig(null)).toThrow();
  });
});
