/** Nearest-rank percentile of an unsorted sample (0 when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  // Math.max(...values) overflows the stack on large samples.
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return { count: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
