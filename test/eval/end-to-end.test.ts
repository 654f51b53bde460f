import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../eval/report';
import { runEval } from '../../eval/runner';

describe('npm run eval against the local runtime (tesseract + rules)', () => {
  it('refuses a deployment URL without a token', async () => {
    await expect(runEval({ seed: 1, count: 1, url: 'https://api.example.com' })).rejects.toThrow(/--token/);
  });

  it('renders, submits, waits for and scores a document and a form filling', {
    timeout: 240_000,
  }, async () => {
    const report = await runEval({
      seed: 1,
      count: 1,
      kinds: ['receipt', 'form-filling'],
      levels: ['clean'],
      concurrency: 2,
    });

    expect(report.info).toMatchObject({
      target: 'the local runtime',
      ocrEngine: 'tesseract',
      llmModel: 'rules',
      levels: ['clean'],
    });
    expect(report.documents).toHaveLength(1);
    const [receipt] = report.documents;
    expect(receipt).toMatchObject({ id: 'receipt-1', kind: 'receipt', level: 'clean', status: 'completed' });
    // Every expected field was judged against the real answer, and the answer is kept for reading.
    expect(receipt.fields.map((field) => field.key)).toEqual(
      expect.arrayContaining(['Merchant', 'Date', 'Total']),
    );
    expect(receipt.fields.every((field) => ['correct', 'wrong', 'missing'].includes(field.outcome))).toBe(
      true,
    );
    expect(receipt.answer).toMatchObject({ kv: expect.any(Object) });
    expect(receipt.score).toBeGreaterThanOrEqual(0);
    expect(receipt.score).toBeLessThanOrEqual(1);

    expect(report.fills).toHaveLength(1);
    expect(report.fills[0]).toMatchObject({ id: 'form-filling-1', status: 'completed' });
    expect(report.fills[0].toFill + report.fills[0].mustStayEmpty).toBe(report.fills[0].outcomes.length);

    expect(report.summary.taskErrors.all).toEqual({ tasks: 1, errors: 0, codes: {} });
    expect(report.summary.keyFacts.byKind.receipt?.clean).toBe(receipt.score);
    const table = markdownTable(report.summary, report.info);
    expect(table).toContain(`| receipt | ${receipt.score.toFixed(2)} | ${receipt.score.toFixed(2)} |`);
  });
});
