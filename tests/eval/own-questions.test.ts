import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Answer, Citation, CitedAnswer } from "../../src/answer/answer.js";
import { corpusPaths, MAX_QUESTIONS_FILE_BYTES } from "../../src/eval/check-questions.js";
import {
  formatChecks,
  judgeAnswer,
  parseQuestionChecks,
  summarizeChecks,
  verdictOf,
  type CheckedQuestion,
  type QuestionCheck,
} from "../../src/eval/own-questions.js";
import { tempDir } from "../helpers/temp.js";

describe("parseQuestionChecks", () => {
  it("reads answered questions with their file and lines, and '-' for questions the documents do not answer", () => {
    const text =
      "# my questions\n\nWho approves PTO?\thandbook.md\t6\r\nWhere is the VPN client?\tit\\help.md\t14, 17\nWhat is the Wi-Fi password?\t-\n";
    expect(parseQuestionChecks(text, "mine.tsv")).toEqual([
      { question: "Who approves PTO?", line: 3, file: "handbook.md", lines: [6] },
      { question: "Where is the VPN client?", line: 4, file: "it/help.md", lines: [14, 17] },
      { question: "What is the Wi-Fi password?", line: 5, lines: [] },
    ]);
  });

  it.each([
    ["no lines", "Who approves PTO?\thandbook.md"],
    ["a line that is no number", "Who approves PTO?\thandbook.md\tsix"],
    ["line 0", "Who approves PTO?\thandbook.md\t0"],
    ["a fourth field", "Who approves PTO?\thandbook.md\t6\textra"],
    ["'-' with lines", "Who approves PTO?\t-\t6"],
    ["no tab at all", "Who approves PTO?"],
    ["no question", "\thandbook.md\t6"],
  ])("refuses %s, naming the line", (_case, line) => {
    expect(() => parseQuestionChecks(`# header\n${line}\n`, "mine.tsv")).toThrow(
      /^mine\.tsv: each line must be .*Not so: line 2: /,
    );
  });

  it("names every bad line at once, the first five by number", () => {
    const text = Array.from({ length: 8 }, (_, i) => `Question ${i}?`).join("\n");
    let message = "";
    try {
      parseQuestionChecks(text, "mine.tsv");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      "line 1: Question 0?; line 2: Question 1?; line 3: Question 2?; line 4: Question 3?; line 5: Question 4?; and 3 more.",
    );
    expect(() => parseQuestionChecks("x", "m")).toThrow(expect.objectContaining({ code: "QUESTIONS_FILE_INVALID" }));
  });

  it("refuses a file with no questions", () => {
    expect(() => parseQuestionChecks("# only a comment\n\n", "mine.tsv")).toThrow("mine.tsv has no questions");
  });
});

describe("judgeAnswer, verdictOf and summarizeChecks", () => {
  const paths = {
    sourceOf: (file: string) => `docs/${file}`,
    fileOf: (source: string) => source.replace(/^docs\//, ""),
  };
  const kindOf = (c: Citation) => (c.text === "Laptops" ? "heading" : undefined);
  const cite = (n: number, text: string, lineStart: number, extra: Partial<Citation> = {}): Citation => ({
    n,
    text,
    source: "docs/it.md",
    lineStart,
    lineEnd: lineStart,
    score: 1,
    ...extra,
  });
  const answer = (citations: Citation[], extra: Partial<CitedAnswer> = {}): CitedAnswer => ({
    kind: "answer",
    question: "q",
    answered: true,
    text: "t",
    citations,
    related: [],
    ...extra,
  });
  const refused: Answer = {
    kind: "not-found",
    question: "q",
    answered: false,
    text: "not found",
    citations: [],
    related: [],
  };
  const answerable: QuestionCheck = { question: "q", line: 1, file: "it.md", lines: [7, 8] };
  const unanswerable: QuestionCheck = { question: "q", line: 2, lines: [] };

  it.each([
    ["the first claim is an answering line", answerable, answer([cite(1, "New starters get a MacBook.", 7)]), "right"],
    [
      "a heading before it is not the claim",
      answerable,
      answer([cite(1, "Laptops", 5), cite(2, "New starters get a MacBook.", 7)]),
      "right",
    ],
    [
      "nor is a context line before it",
      answerable,
      answer([cite(1, "They ship early.", 6, { context: true }), cite(2, "It arrives a week before.", 8)]),
      "right",
    ],
    [
      "a sentence spanning an answering line answers",
      answerable,
      answer([cite(1, "Wrapped over lines.", 6, { lineEnd: 7 })]),
      "right",
    ],
    [
      "with the weak-match warning",
      answerable,
      answer([cite(1, "New starters get a MacBook.", 7)], { lowConfidence: true }),
      "right, weak match",
    ],
    [
      "only a later citation answers",
      answerable,
      answer([cite(1, "Laptops are refreshed.", 9), cite(2, "It arrives a week before.", 8)]),
      "partly",
    ],
    [
      "the same line of another file does not",
      answerable,
      answer([cite(1, "Other.", 7, { source: "docs/other.md" })]),
      "WRONG",
    ],
    ["refused", answerable, refused, "REFUSED"],
    ["not in the documents, refused", unanswerable, refused, "refused (right)"],
    ["not in the documents, warned", unanswerable, answer([cite(1, "x", 3)], { lowConfidence: true }), "weak match"],
    ["not in the documents, answered", unanswerable, answer([cite(1, "x", 3)]), "ANSWERED"],
  ])("%s", (_case, check, given, verdict) => {
    expect(verdictOf({ check, outcome: judgeAnswer(check, given, paths, kindOf) })).toBe(verdict);
  });

  it("lists what was cited as the questions file names files, and counts each kind of outcome", () => {
    const outcome = judgeAnswer(
      answerable,
      answer([cite(1, "Laptops", 5), cite(2, "Wrapped.", 7, { lineEnd: 8 })], { lowConfidence: true }),
      paths,
      kindOf,
    );
    expect(outcome).toEqual({
      kind: "answered",
      warned: true,
      firstClaimRight: true,
      someRight: true,
      cited: ["it.md:5", "it.md:7-8"],
    });
    const checked: CheckedQuestion[] = [
      { check: answerable, outcome },
      { check: answerable, outcome: { kind: "refused" } },
      { check: answerable, outcome: { kind: "error", message: "QUESTION_EMPTY: empty" } },
      { check: unanswerable, outcome: { kind: "refused" } },
      { check: unanswerable, outcome: judgeAnswer(unanswerable, answer([cite(1, "x", 3)]), paths, kindOf) },
    ];
    expect(summarizeChecks(checked)).toEqual({
      answerable: { questions: 3, refused: 1, warned: 1, firstClaimRight: 1, someRight: 1, errors: 1 },
      unanswerable: { questions: 2, refused: 1, warned: 0, answered: 1, errors: 0 },
    });
    const report = formatChecks(checked, "# mine.tsv");
    expect(report).toContain("| 3 | 33.3% | 33.3% | 33.3% | 33.3% |");
    expect(report).toContain("| 2 | 50.0% | 0.0% | 50.0% |");
    expect(report).toContain("1 question(s) could not be asked");
  });

  it("keeps a question on its table row: no column breaks, line breaks or terminal controls", () => {
    const check: QuestionCheck = { question: "a | b\u001b[2J\nc?", line: 4, lines: [] };
    const row = formatChecks([{ check, outcome: { kind: "refused" } }], "# t")
      .split("\n")
      .find((l) => l.startsWith("| 4 |"));
    expect(row).toBe("| 4 | a \\| b[2J c? | not in the documents | refused (right) |  |");
  });
});

describe("corpusPaths", () => {
  it("maps a questions file's paths to the sources citations carry, and back", () => {
    const paths = corpusPaths("eval-data/docs");
    expect(paths.sourceOf("it-help.md")).toBe("eval-data/docs/it-help.md");
    expect(paths.fileOf("eval-data/docs/sub/a.md")).toBe("sub/a.md");
  });
});

/** `npm run --silent eval -- --questions <file>` on the real default model, offline. */
function evalQuestions(file: string, corpusDir: string, indexDir: string) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", path.resolve("src/eval/run.ts"), "--questions", file],
    {
      env: { ...process.env, INDEX_DIR: indexDir, CORPUS_DIR: corpusDir, LOG_LEVEL: "warn" },
      encoding: "utf8",
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run eval -- --questions", () => {
  it("answers each question as ask does and reports how it came out; a label the corpus cannot hold stops it first", async () => {
    const dir = await tempDir();
    const corpusDir = path.join(dir, "corpus");
    await mkdir(path.join(corpusDir, "team"), { recursive: true });
    await writeFile(
      path.join(corpusDir, "team", "it.md"),
      "# IT\n\nNew starters get a laptop shipped to their home.\n\nThe VPN is needed for the staging wiki.\n",
    );
    await writeFile(path.join(corpusDir, "handbook.pdf"), "%PDF-1.4");
    const questions = path.join(dir, "mine.tsv");
    await writeFile(
      questions,
      "Where is my laptop shipped?\tteam/it.md\t3\nIs the VPN needed for the wiki?\tteam/it.md\t5\nWhat is the best banana bread recipe?\t-\n",
    );
    const indexDir = path.join(dir, "index");
    const run = evalQuestions(questions, corpusDir, indexDir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("| 1 | Where is my laptop shipped? | team/it.md:3 | right | team/it.md:3 |");
    expect(run.stdout).toContain("| 2 | Is the VPN needed for the wiki? | team/it.md:5 | right | team/it.md:5 |");
    expect(run.stdout).toContain(
      "| 3 | What is the best banana bread recipe? | not in the documents | refused (right) |  |",
    );
    expect(run.stdout).toContain("| 2 | 0.0% | 0.0% | 100.0% | 100.0% |");
    expect(run.stderr.match(/Not indexed: 1 file that is not \.txt or \.md \(.*handbook\.pdf\)/g)).toHaveLength(1);

    await writeFile(questions, "Where is my laptop shipped?\tteam/it.md\t2\nWho?\tteam/missing.md\t1\n");
    const bad = evalQuestions(questions, corpusDir, indexDir);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(
      /^QUESTIONS_FILE_INVALID: .*mine\.tsv: line 1: team\/it\.md has no sentence on line 2 .*; line 2 names team\/missing\.md, which is not a \.txt or \.md file in /,
    );
    const together = spawnSync(
      process.execPath,
      ["--import", "tsx", path.resolve("src/eval/run.ts"), "--questions", questions, "--train"],
      { encoding: "utf8" },
    );
    expect(together.status).toBe(2);
    expect(together.stderr).toMatch(/^--questions runs alone/);
    const huge = path.join(dir, "huge.tsv");
    await writeFile(huge, "x".repeat(MAX_QUESTIONS_FILE_BYTES + 1));
    const tooBig = evalQuestions(huge, corpusDir, indexDir);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toMatch(
      /^QUESTIONS_FILE_INVALID: The questions file .*huge\.tsv is over 5 MiB; is it the right file\?/,
    );
    const missing = evalQuestions(path.join(dir, "nope.tsv"), corpusDir, indexDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^QUESTIONS_FILE_INVALID: Cannot read the questions file .*nope\.tsv \(ENOENT\); check the path\./,
    );
  });
});
