import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../console/src/contract';
import { boxesOnPage, drawableBox, formatCost, resultSummary } from '../../console/src/result-view';

const task = (overrides: Partial<TaskView>): TaskView => ({
  taskId: 't1',
  type: 'document',
  status: 'completed',
  priority: 'normal',
  createdAt: '2026-12-01T07:00:00.000Z',
  updatedAt: '2026-12-01T07:00:01.000Z',
  ...overrides,
});

describe('result rows of a task view', () => {
  it('lists each kv value with the page and box its evidence names, numbered in order', () => {
    const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.04 };
    const summary = resultSummary(
      task({
        result: {
          title: 'Invoice Acme',
          tags: ['invoice'],
          kv: { Total: 149.9, Vendor: 'Acme', Paid: false },
        },
        evidence: {
          pages: [{ page: 1, width: 1000, height: 1400 }],
          kv: {
            Total: { page: 1, text: 'Total: 149.90', box, confidence: 0.93, grounded: true },
            Vendor: { page: 1, text: '', confidence: 0, grounded: false },
          },
        },
      }),
    );
    expect(summary.title).toBe('Invoice Acme');
    expect(summary.rows).toEqual([
      {
        number: 1,
        kind: 'value',
        label: 'Total',
        value: '149.9',
        page: 1,
        box,
        source: 'Total: 149.90',
        grounded: true,
        confidence: 0.93,
      },
      {
        number: 2,
        kind: 'value',
        label: 'Vendor',
        value: 'Acme',
        grounded: false,
        confidence: 0,
        page: undefined,
        box: undefined,
        source: undefined,
      },
      { number: 3, kind: 'value', label: 'Paid', value: 'false' },
    ]);
    expect(boxesOnPage(summary.rows, 1).map((row) => row.label)).toEqual(['Total']);
    expect(boxesOnPage(summary.rows, 2)).toEqual([]);
  });

  it('lists a form’s blank fields after its values, boxed where the API found their labels', () => {
    const box = { left: 0.05, top: 0.5, width: 0.2, height: 0.03 };
    const summary = resultSummary(
      task({
        type: 'form',
        result: { kv: { 'Form Type': 'Membership' }, fields: ['Full Name', 'Email'] },
        evidence: {
          pages: [],
          fields: { 'Full Name': { page: 2, text: 'Full Name:', box, confidence: 0.9, grounded: true } },
        },
      }),
    );
    expect(summary.rows.map((row) => [row.number, row.kind, row.label, row.page])).toEqual([
      [1, 'value', 'Form Type', undefined],
      [2, 'field', 'Full Name', 2],
      [3, 'field', 'Email', undefined],
    ]);
  });

  it('lists filled values with the library item and key they came from', () => {
    const summary = resultSummary(
      task({
        type: 'form_filling',
        result: { 'Full Name': { value: 'Jane Doe', source: { type: 'doc', resource_id: 'id-card' } } },
        evidence: {
          pages: [],
          fill: { 'Full Name': { resourceId: 'id-card', sourceKey: 'Name', confidence: 0.8 } },
        },
      }),
    );
    expect(summary.rows).toEqual([
      {
        number: 1,
        kind: 'filled',
        label: 'Full Name',
        value: 'Jane Doe',
        source: 'doc id-card · Name',
        confidence: 0.8,
      },
    ]);
  });

  it('shows nothing for a task without a result (pending or failed)', () => {
    expect(resultSummary(task({ status: 'pending' })).rows).toEqual([]);
    expect(resultSummary(task({ status: 'error', result: 'not an object' })).rows).toEqual([]);
  });

  it('draws no box that is not four fractions on the page', () => {
    expect(drawableBox({ left: 0, top: 0, width: 1, height: 1 })).toEqual({
      left: 0,
      top: 0,
      width: 1,
      height: 1,
    });
    for (const bad of [
      undefined,
      { left: 0.5, top: 0.5, width: 0.6, height: 0.1 },
      { left: -0.1, top: 0, width: 0.2, height: 0.1 },
      { left: 0.1, top: 0.1, width: 0, height: 0.1 },
      { left: '0.1', top: 0.1, width: 0.1, height: 0.1 },
      { left: Number.NaN, top: 0.1, width: 0.1, height: 0.1 },
    ]) {
      expect(drawableBox(bad), JSON.stringify(bad)).toBeUndefined();
    }
    // An ungrounded entry never gets a box, even if one came along.
    const row = resultSummary(
      task({
        result: { kv: { A: 'x' } },
        evidence: {
          pages: [],
          kv: {
            A: { page: 1, box: { left: 0, top: 0, width: 0.5, height: 0.5 }, confidence: 0, grounded: false },
          },
        },
      }),
    ).rows[0];
    expect(row?.box).toBeUndefined();
  });

  it('shows fractions of a cent', () => {
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.000425)).toBe('$0.000425');
    expect(formatCost(0.0123)).toBe('$0.0123');
  });
});
