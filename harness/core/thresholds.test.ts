import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.ts';
import { evaluateThresholds, parseThreshold, toK6Thresholds } from './thresholds.ts';

describe('thresholds (k6 syntax)', () => {
  it('parses percentiles, aggregations and every operator', () => {
    expect(parseThreshold('latency', 'p(99.9) < 50')).toEqual({
      aggregation: 'p(99.9)',
      percentile: 99.9,
      operator: '<',
      value: 50,
    });
    expect(parseThreshold('checks', 'rate>=0.99')).toMatchObject({ aggregation: 'rate', operator: '>=' });
    expect(parseThreshold('violations', 'count==0')).toMatchObject({ aggregation: 'count', value: 0 });
  });

  it('refuses what it cannot read, naming the metric', () => {
    expect(() => parseThreshold('latency', 'p99<50')).toThrow(UsageError);
    expect(() => parseThreshold('latency', 'p(99)<fast')).toThrow(/latency: cannot read "p\(99\)<fast"/);
    expect(() => parseThreshold('latency', 'p(120)<5')).toThrow(/outside 0\.\.100/);
  });

  it('judges measured values both ways and fails what was not measured', () => {
    const results = evaluateThresholds(
      { latency: ['p(99)<50', 'avg<10'], checks: ['rate>0.99'], requests: ['count>0'] },
      {
        latency: (aggregation, p) => (p === 99 ? 40 : aggregation === 'avg' ? 12 : undefined),
        checks: (aggregation) => (aggregation === 'rate' ? 1 : undefined),
      },
    );
    expect(results.map((r) => [r.metric, r.expression, r.passed, r.value])).toEqual([
      ['latency', 'p(99)<50', true, 40],
      ['latency', 'avg<10', false, 12],
      ['checks', 'rate>0.99', true, 1],
      ['requests', 'count>0', false, undefined],
    ]);
  });

  it('judges k6 metric names by the harness metric they stand for', () => {
    const [result] = evaluateThresholds({ http_req_duration: ['p(90)<5'] }, { latency: () => 7 });
    expect(result).toMatchObject({ passed: false, value: 7 });
  });

  it('maps the harness names to k6 names for an exported script', () => {
    expect(
      toK6Thresholds({ latency: ['p(99)<5'], failed_requests: ['rate<0.01'], custom: ['count<3'] }),
    ).toEqual({
      http_req_duration: ['p(99)<5'],
      http_req_failed: ['rate<0.01'],
      custom: ['count<3'],
    });
  });
});
