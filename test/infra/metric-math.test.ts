import { describe, expect, it } from 'vitest';
import { checkMetricMath, parseMetricMath } from './metric-math';

const ids = ['errors', 'requests', 'm1', 'm2'];

describe('the metric-math checker', () => {
  it('accepts what CloudWatch accepts', () => {
    expect(checkMetricMath('IF(requests > 0, 100 * errors / requests, 0)', ids)).toBe('series');
    expect(checkMetricMath('100 * errors / MAX([requests, m1])', ids)).toBe('series');
    expect(checkMetricMath('m1 - MIN(m1)', ids)).toBe('series');
    expect(checkMetricMath('FILL(m1, 0) + FILL(m2, REPEAT)', ids)).toBe('series');
    expect(checkMetricMath('(m1 + m2) ^ 2 / -3.5e1', ids)).toBe('series');
    expect(checkMetricMath('IF(m1 >= 1 AND NOT m2 == 0 OR m1 != m2, m1)', ids)).toBe('series');
    expect(
      checkMetricMath(
        `SUM(SEARCH('{DocuSnap,service,type} service="docusnap" MetricName="TasksCompleted"', 'Sum', 300))`,
        [],
      ),
    ).toBe('series');
    expect(checkMetricMath('MAX(m1)', ids)).toBe('scalar');
  });

  it('refuses a scalar inside MAX([...]) or MIN([...]): the expression that rolled the stack back', () => {
    expect(() => checkMetricMath('100 * errors / MAX([requests, 1])', ids)).toThrow(
      /holds time series only, not a scalar/,
    );
    expect(() => checkMetricMath('MIN([m1, 2 * 3])', ids)).toThrow(/not a scalar/);
    expect(() => checkMetricMath('MAX(1)', ids)).toThrow(/MAX: needs a time series/);
    expect(() => checkMetricMath('MIN(PERIOD(m1))', ids)).toThrow(/MIN: needs a time series/);
  });

  it('refuses unknown functions, unknown metric ids and unknown keywords', () => {
    expect(() => checkMetricMath('GREATEST(m1, m2)', ids)).toThrow(/unknown function GREATEST/);
    expect(() => checkMetricMath('max(m1)', ids)).toThrow(/unknown function max/);
    expect(() => checkMetricMath('errors / total', ids)).toThrow(/unknown metric id total/);
    expect(() => checkMetricMath('FILL(m1, ZERO)', ids)).toThrow(/unknown keyword or id ZERO/);
  });

  it('refuses text that is not an expression at all', () => {
    for (const broken of ['m1 +', 'MAX([m1, m2)', 'm1 m2', "SEARCH('open", 'm1 % 2', '']) {
      expect(() => parseMetricMath(broken), broken).toThrow();
    }
  });

  it('follows the usual precedence', () => {
    expect(parseMetricMath('1 + 2 * m1 > 3')).toEqual({
      kind: 'binary',
      operator: '>',
      left: {
        kind: 'binary',
        operator: '+',
        left: { kind: 'number', value: 1 },
        right: {
          kind: 'binary',
          operator: '*',
          left: { kind: 'number', value: 2 },
          right: { kind: 'id', name: 'm1' },
        },
      },
      right: { kind: 'number', value: 3 },
    });
  });
});
