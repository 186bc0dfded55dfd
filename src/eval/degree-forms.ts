/**
 * `npm run make:degree-forms`: writes src/retrieval/degree-forms.json, the comparatives and
 * superlatives of everyday English adjectives with their base ("largest" -> "large"), derived by
 * `degreeForms` from the SUBTLEX-US word list. Committed so that the runtime needs neither the
 * package nor the pass over 74k words. Run `npm run make:frequencies` afterwards: its stems go
 * through the tokenizer, which reads this file.
 */
import { runCommand } from "../cli/run.js";
import { degreeForms } from "../retrieval/degree.js";
import { SUBTLEX_SOURCE, subtlexCounts, writeWordList } from "./subtlex.js";

const OUTPUT = "src/retrieval/degree-forms.json";
/** Each of the three forms must occur this often in the 51M words of subtitles. */
const MIN_COUNT = 3;

async function main(): Promise<void> {
  const counts = subtlexCounts();
  const forms = degreeForms([...counts.keys()], (word) => counts.get(word) ?? 0, MIN_COUNT);
  const written = await writeWordList(OUTPUT, `${SUBTLEX_SOURCE}, by src/retrieval/degree.ts`, "forms", forms);
  process.stdout.write(`Wrote ${written} comparative and superlative forms to ${OUTPUT}\n`);
}

runCommand(main);
