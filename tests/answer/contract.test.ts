import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nextConversation, type Conversation } from "../../src/answer/follow-up.js";
import type { AnswerService } from "../../src/answer/service.js";
import type { Answer } from "../../src/answer/answer.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { tempDir } from "../helpers/temp.js";
import { testAnswerService } from "../helpers/engine.js";

/**
 * The answer contract (README, "The JSON answer") over many random questions and conversations,
 * through the real service: markers numbered 1..N in order of first appearance, each with one
 * source and every source cited; a refusal cites nothing; every quoted passage stands at the lines
 * it names in its file. Seeded, so a failure names a question that reproduces it.
 */
const CONNECTIVES = [
  "who",
  "what",
  "when",
  "where",
  "why",
  "how",
  "how many",
  "which",
  "and",
  "the",
  "and the",
  "what about",
  "tell me more",
  "what else?",
  "summarize",
  "thanks",
  "help",
  "?",
  "!",
  ",",
  "<@U123>",
  "<!channel>",
  "`code`",
  "*bold*",
  "日本語",
  "😀",
  "it",
  "they",
  "his",
  "more",
  "other",
  "files",
  "documents",
];

function questions(words: readonly string[], count: number, seed: number): string[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = (xs: readonly string[]) => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(next() * 10) }, () => (next() < 0.5 ? pick(words) : pick(CONNECTIVES))).join(
      " ",
    ),
  );
}

function checkContract(answer: Answer, lines: (source: string) => string[]): void {
  const where = JSON.stringify(answer);
  const markers = [...answer.text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  const firstAppearances = markers.filter((n, i) => markers.indexOf(n) === i);
  if (answer.answered) {
    expect(answer.citations.length, where).toBeGreaterThan(0);
    expect(firstAppearances, where).toEqual(answer.citations.map((_, i) => i + 1));
    expect(
      answer.citations.map((c) => c.n),
      where,
    ).toEqual(answer.citations.map((_, i) => i + 1));
  } else {
    expect(answer.citations, where).toEqual([]);
  }
  for (const passage of [...answer.citations, ...answer.related]) {
    const cited = lines(passage.source)
      .slice(passage.lineStart - 1, passage.lineEnd)
      .join(" ")
      .replace(/\s+/g, " ");
    expect(passage.lineEnd, where).toBeGreaterThanOrEqual(passage.lineStart);
    // A code block keeps its line breaks; prose is quoted with its whitespace collapsed.
    expect(cited, where).toContain(passage.text.replace(/\s+/g, " ").trim());
  }
}

async function serviceOver(corpusDir: string): Promise<{ service: AnswerService; logger: FakeLogger }> {
  const root = await tempDir();
  const logger = new FakeLogger();
  return { service: await testAnswerService(root, corpusDir, logger), logger };
}

describe.each([
  ["the trade article", "corpus"],
  ["the team documents", "eval-data/docs"],
])("the answer contract over random questions about %s", (_name, dir) => {
  it("holds for single questions and for conversations", async () => {
    const corpusDir = path.resolve(dir);
    const files = (await readdir(corpusDir)).filter((f) => /\.(txt|md)$/.test(f));
    const texts = new Map<string, string[]>();
    for (const file of files) texts.set(file, (await readFile(path.join(corpusDir, file), "utf8")).split("\n"));
    const lines = (source: string) => texts.get(path.basename(source)) ?? [];
    const words = [...new Set([...texts.values()].flat().join(" ").split(/\s+/).filter(Boolean))];
    const { service, logger } = await serviceOver(corpusDir);
    let conversation: Conversation | undefined;
    for (const [i, question] of questions(words, 300, dir.length).entries()) {
      // Every third question starts afresh; the others continue the conversation so far.
      if (i % 3 === 0) conversation = undefined;
      const answer = await service.answer(question, conversation);
      checkContract(answer, lines);
      conversation = nextConversation(conversation, question, answer);
    }
    expect(logger.messages().filter((m) => !m.startsWith("Indexed") && !/no index yet/.test(m))).toEqual([]);
  });
});
