/**
 * `npm run make:british-spellings`: writes src/retrieval/british-spellings.json, the British
 * "-ise"/"-yse" twin of every "-ize"/"-yze" word in the SUBTLEX-US word list (American subtitles),
 * derived by `britishSpellings`. Committed so that the runtime needs neither the package nor the
 * pass over 74k words. Run `npm run make:frequencies` afterwards: its stems go through the
 * tokenizer, which reads this file.
 */
import { runCommand } from "../cli/run.js";
import { britishSpellings } from "../retrieval/british.js";
import { SUBTLEX_SOURCE, subtlexCounts, writeWordList } from "./subtlex.js";

const OUTPUT = "src/retrieval/british-spellings.json";
/** The American form must occur this often in the 51M words of subtitles. */
const MIN_COUNT = 3;

async function main(): Promise<void> {
  const counts = subtlexCounts();
  const spellings = britishSpellings([...counts.keys()], (word) => counts.get(word) ?? 0, MIN_COUNT);
  const written = await writeWordList(OUTPUT, `${SUBTLEX_SOURCE}, by src/retrieval/british.ts`, "spellings", spellings);
  process.stdout.write(`Wrote ${written} British spellings to ${OUTPUT}\n`);
}

runCommand(main);
