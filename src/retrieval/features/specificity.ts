import englishFrequencies from "./english-frequencies.json" with { type: "json" };

/**
 * How specific an index term is in everyday English, 0..1: log(total / (count + 1)) / log(total)
 * over SUBTLEX-US counts (see src/eval/english-frequencies.ts). "year", "get", "largest" are near
 * 0.4-0.5; "tariff", "delegation" and names not in the list are near 1. Pure.
 *
 * Why: the abstention signal measures how much of the question the best sentence covers. Weighted
 * by corpus IDF alone, a common word that happens to be rare in a small corpus ("largest" in the
 * trade article) counted as much as the question's real subject.
 */
const { total } = englishFrequencies;
// A Map, not the parsed object: a term like "constructor" must not find Object.prototype's.
const counts = new Map<string, number>(Object.entries(englishFrequencies.stems as Record<string, number>));
const LOG_TOTAL = Math.log(total);

export function englishSpecificity(term: string): number {
  return Math.log(total / ((counts.get(term) ?? 0) + 1)) / LOG_TOTAL;
}

/** Whether the term is an everyday English word (in SUBTLEX-US with a count of 5 or more). */
export function isEnglishWord(term: string): boolean {
  return counts.has(term);
}
