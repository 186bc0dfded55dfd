import { describe, expect, it } from "vitest";
import { misspell } from "../../src/eval/evaluate.js";
import { Bm25Index, DEFAULT_BM25 } from "../../src/retrieval/bm25.js";
import { SpellingIndex, withinOneEdit } from "../../src/retrieval/rewriting/typos.js";

describe("withinOneEdit", () => {
  it.each([
    ["delgation", "delegation", true],
    ["tarrifs", "tariffs", false],
    ["tarifs", "tariffs", true],
    ["tariffs", "tarifs", true],
    ["tairffs", "tariffs", true],
    ["tariffz", "tariffs", true],
    ["tariffs", "tariffs", false],
    ["tariff", "traffic", false],
    ["abc", "abcde", false],
  ])("%s ~ %s: %s", (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
  });
});

describe("SpellingIndex", () => {
  const words = new Map([
    ["delegation", "deleg"],
    ["relegation", "releg"],
    ["minerals", "miner"],
    ["mineral", "miner"],
    ["minarets", "minaret"],
  ]);
  const frequency = (term: string) => ({ deleg: 3, releg: 1, miner: 5, minaret: 1 })[term] ?? 0;
  const index = new SpellingIndex(words, frequency);

  it.each([
    ["delgation", "deleg"],
    ["deelgation", "deleg"],
    ["minerls", "miner"],
    // The first letter is kept: "elegation" is not read as "delegation".
    ["elegation", undefined],
    // Too short to tell a typo from another word.
    ["mine", undefined],
    // A corpus word is not corrected.
    ["minerals", undefined],
    ["zzzzzz", undefined],
  ])("%s -> %s", (word, term) => {
    expect(index.correct(word)).toBe(term);
  });

  it("prefers the word more sentences hold", () => {
    expect(index.correct("minerats")).toBe("miner");
  });
});

describe("Bm25Index query terms", () => {
  const docs = ["Vice Premier He Lifeng heads the Chinese delegation.", "The major talks were held in London."];

  it("reads a misspelt word as the corpus word one edit away, and ranks by it", () => {
    const index = new Bm25Index(docs);
    expect(index.queryTerms("Who heads the delgation?")).toEqual(["head", "deleg"]);
    expect(index.search("Who leads the delgation?")[0]?.id).toBe(0);
  });

  it("leaves a real English word the corpus lacks as it is ('mayor' is not 'major')", () => {
    expect(new Bm25Index(docs).queryTerms("Who is the mayor of London?")).toEqual(["mayor", "london"]);
  });

  it("can be switched off", () => {
    expect(new Bm25Index(docs, { ...DEFAULT_BM25, correctTypos: false }).queryTerms("delgation")).toEqual(["delgat"]);
  });
});

describe("misspell (for the evaluation)", () => {
  it.each([
    [0, "Who heads the Chinese delegtion?"],
    [1, "Who heads the Chinese delegaation?"],
    [2, "Who heads the Chinese delegtaion?"],
    [3, "Who heads the Chinese delegtion?"],
  ])("seed %i -> %s", (seed, expected) => {
    expect(misspell("Who heads the Chinese delegation?", seed)).toBe(expected);
  });

  it("leaves a question without a long word alone", () => {
    expect(misspell("Who is he?", 0)).toBe("Who is he?");
  });
});
