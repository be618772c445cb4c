// Timing: warm-up calls, then samples until there are enough and the time budget is spent.
export interface Timing {
  min: number;
  median: number;
  samples: number;
}

export interface MeasureOptions {
  warmup: number;
  minSamples: number;
  maxSamples: number;
  /** Stop adding samples past minSamples once this many ms have been spent sampling. */
  budgetMs: number;
}

export async function measure(fn: () => unknown, o: MeasureOptions): Promise<Timing> {
  for (let i = 0; i < o.warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < o.minSamples || (times.length < o.maxSamples && performance.now() - start < o.budgetMs)) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return { min: times[0]!, median: times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2, samples: times.length };
}
