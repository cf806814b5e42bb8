import type { Metric } from 'prom-client';

type Labels = Record<string, string>;

/**
 * One labelled histogram series kept by hand: a count per bucket, the sum
 * and the count, updated with no allocation and no label hashing (which
 * prom-client's labelled children do on every observe). Read only when
 * scraped.
 */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is +Inf only. */
  private readonly perBucket: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.perBucket = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.count += 1;
    this.sum += value;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.perBucket[i] += 1;
        return;
      }
    }
  }

  /** The `_bucket`, `_sum` and `_count` samples of this series. */
  samples(name: string): Sample[] {
    const samples: Sample[] = [];
    let cumulative = 0;
    this.bounds.forEach((le, i) => {
      cumulative += this.perBucket[i];
      samples.push({
        metricName: `${name}_bucket`,
        labels: { ...this.labels, le: String(le) },
        value: cumulative,
      });
    });
    samples.push(
      {
        metricName: `${name}_bucket`,
        labels: { ...this.labels, le: '+Inf' },
        value: this.count,
      },
      { metricName: `${name}_sum`, labels: this.labels, value: this.sum },
      { metricName: `${name}_count`, labels: this.labels, value: this.count },
    );
    return samples;
  }
}

interface Sample {
  metricName?: string;
  labels: Labels;
  value: number;
}

/**
 * A metric prom-client's registry prints (it asks `get()` at each scrape)
 * whose samples come from `values`.
 */
export function collected(
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => Sample[],
): Metric {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: () =>
      Promise.resolve({
        name,
        help,
        type,
        aggregator: 'sum',
        values: values(),
      }),
  } as unknown as Metric;
}
