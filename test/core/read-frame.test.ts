import { describe, expect, it } from 'vitest';
import { boxInSentImage, identityFrame } from '../../lambdas/core/read-frame';

describe('boxInSentImage', () => {
  it('gives pixels of a picture read as sent as fractions of it', () => {
    expect(boxInSentImage(identityFrame(1000, 500), 100, 50, 300, 100)).toEqual({
      left: 0.1,
      top: 0.1,
      width: 0.2,
      height: 0.1,
    });
  });

  it('divides out the scale of an enlarged picture', () => {
    const frame = { ...identityFrame(1000, 500), scaleX: 2, scaleY: 2 };
    expect(boxInSentImage(frame, 200, 100, 600, 200)).toEqual({
      left: 0.1,
      top: 0.1,
      width: 0.2,
      height: 0.1,
    });
  });

  it('turns a box of a straightened picture back about its centre', () => {
    // Read turned by -90° (tesseract's sign): a point right of the centre came from below it.
    const frame = { ...identityFrame(1000, 1000), radians: -Math.PI / 2 };
    const box = boxInSentImage(frame, 890, 490, 910, 510);
    expect(box.left).toBeCloseTo(0.49, 4);
    expect(box.top).toBeCloseTo(0.89, 4);
    expect(box.width).toBeCloseTo(0.02, 4);
    expect(box.height).toBeCloseTo(0.02, 4);
  });

  it('holds a turned word in an upright box, scaled and turned together, cut at the page edge', () => {
    const frame = { width: 400, height: 300, scaleX: 2, scaleY: 2, radians: 0.1 };
    const box = boxInSentImage(frame, 100, 100, 500, 140);
    // Turning a 400 x 40 px word by 0.1 rad makes its upright box taller than the word.
    expect(box.height * 300).toBeGreaterThan(20 + 10);
    expect(boxInSentImage(frame, -50, -50, 10, 10)).toMatchObject({ left: 0, top: 0 });
  });

  it('gives an empty box for a picture of no size', () => {
    expect(boxInSentImage(identityFrame(0, 0), 1, 1, 2, 2)).toEqual({ left: 0, top: 0, width: 0, height: 0 });
  });
});
