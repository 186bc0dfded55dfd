import { readFileSync } from "node:fs";
import { EmbeddingsModel } from "@energetic-ai/embeddings";
import { describe, expect, it } from "vitest";
import { readUseLiteVocabulary } from "../../src/embeddings/use-lite-graph.js";
import { UseLiteTokenizer } from "../../src/embeddings/use-lite-tokenizer.js";

const vocabulary = readUseLiteVocabulary();
const ours = new UseLiteTokenizer(vocabulary);
// The package's tokenizer is a public field; the model itself is not needed to tokenize.
const reference = new EmbeddingsModel({ vocabulary, model: undefined as never }).tokenizer;

/** Every string field of the XQuAD-R English file: contexts, questions, answers. */
function benchmarkStrings(): string[] {
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(JSON.parse(readFileSync(new URL("../../eval-data/xquad-r/en.json", import.meta.url), "utf8")));
  return strings;
}

/** Deterministic random strings over ASCII, accents, CJK, emoji (outside the BMP) and spaces. */
function randomStrings(count: number): string[] {
  const alphabet = [
    ..."abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;:'\"()-–—%$€",
    "é",
    "ñ",
    "ü",
    "ß",
    "ﬁ",
    "中",
    "国",
    "日",
    "本",
    "😀",
    "👍🏽",
    "𝔘",
    "\u0301",
    "\t",
    "\n",
    "  ",
  ];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: count }, () =>
    Array.from({ length: Math.floor(next() * 60) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""),
  );
}

describe("USE lite tokenizer", () => {
  it.each([
    ["empty", ""],
    ["a question", "Who leads the Chinese delegation?"],
    ["numbers and symbols", "Tariffs fell to 30% (from 145%) on May 12th, 2025."],
    ["unknown characters in a run", "日本語のテキスト"],
    ["emoji outside the BMP", "trade 😀😀 talks 👍🏽"],
    ["compatibility characters (NFKC)", "ﬁnance ① Ⅳ"],
    ["spaces and tabs", "  two  spaces\tand a tab "],
  ])("gives the package tokenizer's ids for %s", (_, text) => {
    expect(ours.encode(text)).toEqual(reference.encode(text));
  });

  it("agrees with the package tokenizer on every benchmark string and 2,000 random strings", () => {
    const strings = [...benchmarkStrings(), ...randomStrings(2000)];
    expect(strings.length).toBeGreaterThan(5000);
    const mismatches = strings.filter(
      (text) => JSON.stringify(ours.encode(text)) !== JSON.stringify(reference.encode(text)),
    );
    expect(mismatches).toEqual([]);
  });
});
