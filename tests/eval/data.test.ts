import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { splitSentences } from "../../src/corpus/split.js";
import { answerCitations } from "../../src/eval/evaluate.js";
import {
  loadConversationTurns,
  loadDocumentQuestions,
  loadLabelledQuestions,
  loadQuestionList,
  type EvalArticle,
} from "../../src/eval/xquad.js";
import { tempDir } from "../helpers/temp.js";

async function fileWith(text: string): Promise<string> {
  const file = path.join(await tempDir(), "questions.txt");
  await writeFile(file, text);
  return file;
}

describe("loadLabelledQuestions", () => {
  it("reads question<TAB>lines, skipping comments and blank lines", async () => {
    const file = await fileWith("# comment\n\nHow long was the call?\t9\nWhat did they compare?\t7, 8\n");
    expect(await loadLabelledQuestions(file)).toEqual([
      { question: "How long was the call?", lines: [9] },
      { question: "What did they compare?", lines: [7, 8] },
    ]);
  });

  it.each([
    ["no lines", "Question without lines"],
    ["not a number", "Q?\tseven"],
    ["line 0", "Q?\t0"],
    ["empty question", "\t3"],
  ])("names the file and the line when it is malformed (%s)", async (_case, line) => {
    const file = await fileWith(`${line}\n`);
    await expect(loadLabelledQuestions(file)).rejects.toThrow(
      `${file}: expected "question<TAB>line[,line...]", got: ${line.trim()}`,
    );
  });
});

describe("loadConversationTurns", () => {
  it("reads earlier<TAB>question<TAB>lines<TAB>kind and names the file and line when one is malformed", async () => {
    const file = await fileWith(
      "# c\nWho heads it?\tWhat is his role?\t11\tfollow-up\nQ1?\tQ2?\t7,8\tnew topic\nQ1?\tHow old is he?\t-\tnot answered\n",
    );
    expect(await loadConversationTurns(file)).toEqual([
      { earlier: "Who heads it?", question: "What is his role?", lines: [11], kind: "follow-up" },
      { earlier: "Q1?", question: "Q2?", lines: [7, 8], kind: "new topic" },
      { earlier: "Q1?", question: "How old is he?", lines: [], kind: "not answered" },
    ]);
    for (const line of ["Q1?\tQ2?\t7\tsideways", "Q1?\tQ2?\t-\tfollow-up", "Q1?\tQ2?\t7\tnot answered"]) {
      const bad = await fileWith(`${line}\n`);
      await expect(loadConversationTurns(bad)).rejects.toThrow(
        `${bad}: expected "earlier question<TAB>question<TAB>line[,line...] or -<TAB>follow-up|new topic|not answered", got: ${line}`,
      );
    }
  });
});

describe("the held-out question sets for the trade article", () => {
  it("label only lines that exist and hold a sentence of the article", async () => {
    const article = await readFile("corpus/us-china-trade-talks-london.txt", "utf8");
    const covered = new Set(
      splitSentences(article, "a.txt").flatMap((s) =>
        Array.from({ length: s.lineEnd - s.lineStart + 1 }, (_, i) => s.lineStart + i),
      ),
    );
    for (const file of ["eval-data/trade-short-questions.txt", "eval-data/trade-short-questions-2.txt"]) {
      const questions = await loadLabelledQuestions(file);
      expect(questions.length).toBeGreaterThanOrEqual(30);
      for (const q of questions)
        for (const line of q.lines) expect(covered.has(line), `${q.question} -> line ${line}`).toBe(true);
    }
  });

  it("label conversation turns with lines that hold a sentence of the article, both kinds present", async () => {
    const article = await readFile("corpus/us-china-trade-talks-london.txt", "utf8");
    const covered = new Set(
      splitSentences(article, "a.txt").flatMap((s) =>
        Array.from({ length: s.lineEnd - s.lineStart + 1 }, (_, i) => s.lineStart + i),
      ),
    );
    for (const file of ["eval-data/trade-conversations.txt", "eval-data/trade-conversations-blind.txt"]) {
      const turns = await loadConversationTurns(file);
      expect(new Set(turns.map((t) => t.kind))).toEqual(new Set(["follow-up", "new topic", "not answered"]));
      for (const t of turns)
        for (const line of t.lines) expect(covered.has(line), `${t.question} -> line ${line}`).toBe(true);
    }
    // The contrasting follow-ups: only follow-ups, answered or not, and the sets share no pair.
    const contrastSets = await Promise.all(
      ["trade-conversations-contrast", "trade-conversations-contrast-heldout", "trade-conversations-contrast-3"].map(
        (name) => loadConversationTurns(`eval-data/${name}.txt`),
      ),
    );
    for (const turns of contrastSets) {
      expect(new Set(turns.map((t) => t.kind))).toEqual(new Set(["follow-up", "not answered"]));
      for (const t of turns)
        for (const line of t.lines) expect(covered.has(line), `${t.question} -> line ${line}`).toBe(true);
    }
    const pairs = contrastSets.map((turns) => turns.map((t) => `${t.earlier}\t${t.question}`));
    expect(new Set(pairs.flat()).size).toBe(pairs.flat().length);
  });

  it("ask the two short-question sets different questions", async () => {
    const [first, second] = await Promise.all(
      ["trade-short-questions", "trade-short-questions-2"].map((name) =>
        loadLabelledQuestions(`eval-data/${name}.txt`),
      ),
    );
    const asked = new Set(first!.map((q) => q.question.toLowerCase()));
    expect(second!.filter((q) => asked.has(q.question.toLowerCase()))).toEqual([]);
  });

  it("keep the off-topic sets disjoint from each other", async () => {
    const sets = await Promise.all(
      ["off-topic-calibration", "off-topic-heldout", "off-topic-near-miss"].map((name) =>
        loadQuestionList(`eval-data/${name}.txt`),
      ),
    );
    const all = sets.flat().map((q) => q.toLowerCase());
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("the documents question set", () => {
  it("reads question<TAB>file<TAB>lines and names the file and line when one is malformed", async () => {
    const file = await fileWith("# c\nWho owns billing?\tfaq.md\t10\nWhen?\trelease.md\t3, 7\n");
    expect(await loadDocumentQuestions(file)).toEqual([
      { question: "Who owns billing?", file: "faq.md", lines: [10] },
      { question: "When?", file: "release.md", lines: [3, 7] },
    ]);
    for (const line of ["Q?\tfaq.md", "Q?\tfaq.md\tten", "\tfaq.md\t3"]) {
      await expect(loadDocumentQuestions(await fileWith(`${line}\n`))).rejects.toThrow(
        'expected "question<TAB>file<TAB>line[,line...]"',
      );
    }
  });

  it.each(["eval-data/docs-questions.txt", "eval-data/docs-questions-2.txt", "eval-data/docs-questions-3.txt"])(
    "%s labels only lines of its files that hold a sentence, which is no heading",
    async (set) => {
      const questions = await loadDocumentQuestions(set);
      expect(questions.length).toBeGreaterThanOrEqual(15);
      for (const q of questions) {
        const sentences = splitSentences(await readFile(path.join("eval-data/docs", q.file), "utf8"), q.file);
        const answering = sentences.filter((s) => q.lines.some((line) => line >= s.lineStart && line <= s.lineEnd));
        expect(answering.length, q.question).toBeGreaterThan(0);
        expect(
          answering.every((s) => s.kind !== "heading"),
          q.question,
        ).toBe(true);
      }
    },
  );
});

describe("answerCitations", () => {
  const texts = [
    "Peyton Manning led two teams to the Super Bowl.",
    "He is also the oldest quarterback to play in one.",
    "Denver won the game.",
    "A new paragraph starts here.",
  ];
  const sentences = texts.map((text, i) => ({
    text,
    source: i < 3 ? "Super_Bowl#0" : "Super_Bowl#1",
    lineStart: i < 3 ? 1 : 2,
    lineEnd: i < 3 ? 1 : 2,
    charStart: 0,
    charEnd: text.length,
  }));
  const article: EvalArticle = {
    title: "Super_Bowl",
    paragraphs: [],
    sentences,
    questions: [{ question: "Who is the oldest quarterback?", gold: 0, paragraph: 0, answerStart: 0 }],
  };
  const rule = { denseWeight: 1, threshold: 0.3, lowConfidenceBelow: 0.4 };
  const hit = (id: number, score: number, relevant = true) => ({
    id,
    score,
    sentence: sentences[id]!,
    dense: relevant ? 0.8 : 0,
    keyTermCoverage: relevant ? 0.8 : 0,
  });

  it.each([
    {
      case: "top sentence is the gold one",
      hits: [hit(0, 1), hit(2, 0.1)],
      expected: { answered: true, citations: 1, citesGold: true },
    },
    {
      case: "a runner-up close to the best is cited too",
      hits: [hit(2, 1), hit(0, 0.9)],
      expected: { answered: true, citations: 2, citesGold: true },
    },
    {
      case: "a runner-up far behind is not",
      hits: [hit(2, 1), hit(0, 0.5)],
      expected: { answered: true, citations: 1, citesGold: false },
    },
    {
      case: "a best sentence opening with 'He' brings the one before it",
      hits: [hit(1, 1), hit(3, 0.2)],
      expected: { answered: true, citations: 2, citesGold: true },
    },
    {
      case: "a refusal cites nothing",
      hits: [hit(0, 1, false)],
      expected: { answered: false, citations: 0, citesGold: false },
    },
  ])("$case", ({ hits, expected }) => {
    expect(answerCitations([article], [[{ hits }]], rule, 3)).toEqual([[expected]]);
  });
});
