/** Retrieval metrics. Pure. A rank is 1-based; `undefined` means the gold item was not retrieved. */

export interface RankSummary {
  readonly questions: number;
  readonly recallAt1: number;
  readonly recallAt3: number;
  readonly mrr: number;
}

export function summarizeRanks(ranks: ReadonlyArray<number | undefined>): RankSummary {
  const n = ranks.length;
  if (n === 0) return { questions: 0, recallAt1: 0, recallAt3: 0, mrr: 0 };
  let at1 = 0;
  let at3 = 0;
  let reciprocal = 0;
  for (const rank of ranks) {
    if (rank === undefined) continue;
    if (rank <= 1) at1++;
    if (rank <= 3) at3++;
    reciprocal += 1 / rank;
  }
  return { questions: n, recallAt1: at1 / n, recallAt3: at3 / n, mrr: reciprocal / n };
}

/** 1-based rank of the first item satisfying `isGold`, or undefined. */
export function rankOf<T>(ranked: readonly T[], isGold: (item: T) => boolean): number | undefined {
  const index = ranked.findIndex(isGold);
  return index === -1 ? undefined : index + 1;
}

/** Fraction of `values` for which `predicate` holds. */
export function rate<T>(values: readonly T[], predicate: (value: T) => boolean): number {
  return values.length === 0 ? 0 : values.filter(predicate).length / values.length;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
