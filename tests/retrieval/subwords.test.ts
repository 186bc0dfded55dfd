import { describe, expect, it } from "vitest";
import { loadUseLitePieces } from "../../src/embeddings/use-lite-pieces.js";
import { readUseLiteWeights, readUseLiteWeight } from "../../src/embeddings/use-lite-graph.js";
import {
  dotProductSimilarities,
  isContentPiece,
  SubwordMatcher,
  type PieceVocabulary,
} from "../../src/retrieval/features/subwords.js";

/**
 * A small vocabulary: words are cut greedily into the longest known pieces (a letter is its own
 * piece otherwise), and each piece has a hand-set vector, so "car" lies close to "auto".
 */
function fakeVocabulary(entries: Record<string, number[]>): PieceVocabulary {
  const pieces = Object.keys(entries);
  const dimensions = Object.values(entries)[0]!.length;
  const vectors = new Float32Array(pieces.length * dimensions);
  pieces.forEach((piece, id) => {
    const v = entries[piece]!;
    const norm = Math.hypot(...v) || 1;
    v.forEach((x, d) => (vectors[id * dimensions + d] = x / norm));
  });
  return {
    segment(word) {
      const ids: number[] = [];
      let rest = word.toLowerCase();
      while (rest.length > 0) {
        const piece = pieces.filter((p) => rest.startsWith(p)).sort((a, b) => b.length - a.length)[0] ?? "?";
        ids.push(pieces.indexOf(piece));
        rest = rest.slice(Math.max(1, piece.length));
      }
      return ids;
    },
    pieceText: (id) => pieces[id] ?? "",
    size: pieces.length,
    similarities: (ids) => dotProductSimilarities(vectors, dimensions, ids),
  };
}

const vocabulary = fakeVocabulary({
  "?": [0, 0, 0, 0, 1, 0],
  the: [0, 0, 0, 0, 0, 1],
  auto: [1, 0, 0, 0, 0, 0],
  car: [0.9, 0.3, 0, 0, 0, 0],
  maker: [0, 1, 0, 0, 0, 0],
  chip: [0, 0, 1, 0, 0, 0],
  tariff: [0, 0, 0, 1, 0, 0],
  s: [0, 0, 0, 0, 0.5, 0.5],
});

describe("SubwordMatcher", () => {
  const sentences = ["The automakers", "The car makers", "The chips", "The tariffs"];
  const matcher = new SubwordMatcher(sentences, vocabulary);
  const ids = sentences.map((_, i) => i);

  it.each([
    ["a word found as written scores 1", "automakers", 0, 1],
    ["a question of function words only scores 0 everywhere", "the", 2, 0],
    ["a word the sentence lacks scores its closest piece's cosine", "chips", 3, 0],
  ])("%s", (_name, question, sentence, expected) => {
    expect(matcher.scores(question, ids)[sentence]).toBeCloseTo(expected, 5);
  });

  it("ranks a sentence with related pieces above one with unrelated pieces", () => {
    const [, cars, chips] = matcher.scores("auto", ids);
    expect(cars).toBeGreaterThan(0.9);
    expect(chips).toBeCloseTo(0, 5);
  });

  it("weighs a piece by its rarity in the corpus", () => {
    // "tariff" is in three of four sentences, "chip" in one: the sentence with the rare piece wins.
    const corpus = new SubwordMatcher(["chip", "tariff", "tariff", "tariff"], vocabulary);
    const [rare, common] = corpus.scores("tariff chip", [0, 1]);
    expect(rare).toBeGreaterThan(common!);
    expect(new SubwordMatcher(["chip", "tariff"], vocabulary).scores("tariff chip", [0, 1])).toEqual([
      expect.closeTo(0.5, 5),
      expect.closeTo(0.5, 5),
    ]);
  });

  it("segments question words the corpus does not have", () => {
    expect(matcher.questionPieces("Carmakers?").map((p) => vocabulary.pieceText(p.id))).toEqual(["car", "maker"]);
  });

  it("scores only the sentences asked for, in their order", () => {
    const [tariffs, automakers] = matcher.scores("tariffs", [3, 0]);
    expect(tariffs).toBeCloseTo(1, 5);
    expect(automakers).toBeCloseTo(matcher.scores("tariffs", [0])[0]!, 5);
    expect(automakers).toBeLessThan(1);
    expect(matcher.scores("tariffs", [])).toEqual([]);
  });

  it("keeps every piece of sentences longer than its first buffer (about 48 pieces a sentence)", () => {
    const long = ["tariff ".repeat(20) + "chip " + "tariff ".repeat(300), "auto " + "tariff ".repeat(300) + "car"];
    const grown = new SubwordMatcher(long, vocabulary);
    // A piece stored before the buffer grew, and the last one stored after, are both still there.
    expect(grown.scores("chip", [0, 1])).toEqual([expect.closeTo(1, 5), expect.any(Number)]);
    expect(grown.scores("car", [1])[0]).toBeCloseTo(1, 5);
    expect(grown.scores("chip", [1])[0]).toBeLessThan(0.5);
  });

  it("gives an empty sentence the lowest score", () => {
    const withEmpty = new SubwordMatcher(["", "tariffs"], vocabulary);
    expect(withEmpty.scores("tariffs", [0, 1])).toEqual([-1, expect.closeTo(1, 5)]);
  });
});

describe("isContentPiece", () => {
  it.each([
    ["tariff", true],
    ["US", true],
    ["33", true],
    ["s", false],
    ["The", false],
    ["of", false],
    ["--", false],
  ])("%s -> %s", (piece, expected) => {
    expect(isContentPiece(piece)).toBe(expected);
  });
});

describe("USE lite pieces (the real vocabulary, offline)", () => {
  it("reads the piece table from its shards exactly as the full weight reader does", () => {
    const table = readUseLiteWeight("module/Embeddings_en");
    const full = [...readUseLiteWeights().tensors.entries()].find(([name]) =>
      name.endsWith("module/Embeddings_en"),
    )![1];
    expect(table.shape).toEqual([8002, 256]);
    expect(Buffer.from(table.data.buffer).equals(Buffer.from(full.data.buffer))).toBe(true);
  });

  it("matches a question word to the sentence that says it in other words", async () => {
    const pieces = await loadUseLitePieces();
    const matcher = new SubwordMatcher(
      [
        "China granted export licenses to the three major U.S. automobile manufacturers.",
        "The talks in London lasted two days and ended without a statement.",
        "Washington suspended sales of some semiconductor design software.",
      ],
      pieces,
    );
    const [automobiles, talks, software] = matcher.scores("Which automakers got licences?", [0, 1, 2]);
    expect(automobiles).toBeGreaterThan(talks!);
    expect(automobiles).toBeGreaterThan(software!);
  });

  it("throws on an unknown weight name instead of reading garbage", () => {
    expect(() => readUseLiteWeight("no/such/weight")).toThrow(/no USE lite weight/);
  });
});

describe("SubwordMatcher over an index with removed sentences", () => {
  it("treats a hole in the sentence array as an empty sentence", () => {
    const texts: string[] = [];
    texts[0] = "The tariffs";
    texts[2] = "The chips";
    const matcher = new SubwordMatcher(texts, vocabulary);
    expect(matcher.size).toBe(3);
    expect(matcher.scores("chips", [0, 1, 2])).toEqual([expect.any(Number), -1, expect.closeTo(1, 5)]);
  });
});
