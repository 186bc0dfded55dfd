import { isWeakMatch, type Answer, type Citation } from "../answer/answer.js";
import { dropControlCharacters } from "../control-characters.js";
import { leadsIntoNext } from "../corpus/reference.js";
import type { Sentence } from "../corpus/split.js";
import { CiteBotError, ErrorCode } from "../errors.js";

/**
 * A team's own questions about its own documents, each with the lines that answer it, or marked as
 * one the documents do not answer: `npm run eval -- --questions <file>` puts them to the real
 * service and says how each was answered. Parsing, judging and formatting are pure; the runner is
 * in run.ts.
 */
export interface QuestionCheck {
  readonly question: string;
  /** Where it stands in the questions file (1-based), for messages. */
  readonly line: number;
  /** The answering file, relative to the corpus folder ("/"-separated); undefined when the documents do not answer it. */
  readonly file?: string;
  /** The file's lines that answer it (any one of them will do); empty when the documents do not answer it. */
  readonly lines: readonly number[];
}

export const QUESTION_CHECK_FORMAT = `"question<TAB>file<TAB>line[,line...]" (the file relative to the corpus folder) or "question<TAB>-" (the documents do not answer it)`;

/** How many bad lines one error names; the rest are counted. */
const BAD_LINES_NAMED = 5;

/** Reads a questions file's text (`name` for messages). Every bad line is reported at once. */
export function parseQuestionChecks(text: string, name: string): QuestionCheck[] {
  const checks: QuestionCheck[] = [];
  const bad: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [question, file, lines, ...rest] = line.split("\t").map((field) => field.trim());
    const numbers = (lines ?? "").split(",").map((n) => Number(n.trim()));
    if (question && file === "-" && lines === undefined) {
      checks.push({ question, line: i + 1, lines: [] });
    } else if (
      question &&
      file &&
      file !== "-" &&
      rest.length === 0 &&
      numbers.every((n) => Number.isInteger(n) && n >= 1)
    ) {
      checks.push({ question, line: i + 1, file: file.split("\\").join("/"), lines: numbers });
    } else {
      bad.push(`line ${i + 1}: ${dropControlCharacters(line).slice(0, 80)}`);
    }
  });
  if (bad.length > 0) {
    const more = bad.length > BAD_LINES_NAMED ? `; and ${bad.length - BAD_LINES_NAMED} more` : "";
    throw new CiteBotError(
      ErrorCode.QuestionsFileInvalid,
      `${name}: each line must be ${QUESTION_CHECK_FORMAT}. Not so: ${bad.slice(0, BAD_LINES_NAMED).join("; ")}${more}.`,
    );
  }
  if (checks.length === 0)
    throw new CiteBotError(
      ErrorCode.QuestionsFileInvalid,
      `${name} has no questions; write one per line as ${QUESTION_CHECK_FORMAT}.`,
    );
  return checks;
}

/** How one question came out. */
export type CheckOutcome =
  | {
      readonly kind: "answered";
      readonly warned: boolean;
      /** The first sentence the answer claims (not context, a heading, an FAQ's question or a lead-in) is an answering line. */
      readonly firstClaimRight: boolean;
      /** Some cited sentence is an answering line. */
      readonly someRight: boolean;
      readonly cited: readonly string[];
    }
  | { readonly kind: "refused" }
  | { readonly kind: "error"; readonly message: string };

export interface CheckedQuestion {
  readonly check: QuestionCheck;
  readonly outcome: CheckOutcome;
}

/** How a questions file's paths (relative to the corpus folder) and citations' sources (as `ask` prints them) map onto each other. */
export interface CorpusPaths {
  sourceOf(file: string): string;
  fileOf(source: string): string;
}

/** Judges one answer. `kindOf` tells what a cited sentence is (citations carry no Markdown structure). */
export function judgeAnswer(
  check: QuestionCheck,
  answer: Answer,
  paths: CorpusPaths,
  kindOf: (citation: Citation) => Sentence["kind"],
): CheckOutcome {
  if (!answer.answered) return { kind: "refused" };
  const source = check.file === undefined ? undefined : paths.sourceOf(check.file);
  const answers = (c: Citation) =>
    c.source === source && check.lines.some((line) => line >= c.lineStart && line <= c.lineEnd);
  const first = answer.citations.find((c) => !c.context && !leadsIntoNext({ text: c.text, kind: kindOf(c) }));
  return {
    kind: "answered",
    warned: isWeakMatch(answer),
    firstClaimRight: first !== undefined && answers(first),
    someRight: answer.citations.some(answers),
    cited: answer.citations.map(
      (c) => `${paths.fileOf(c.source)}:${c.lineStart === c.lineEnd ? c.lineStart : `${c.lineStart}-${c.lineEnd}`}`,
    ),
  };
}

/** The kind of each sentence, looked up by a citation of it. */
export function kindLookup(
  sentences: readonly Sentence[],
): (citation: Pick<Citation, "source" | "lineStart" | "text">) => Sentence["kind"] {
  const kinds = new Map(sentences.map((s) => [`${s.source}:${s.lineStart}:${s.text}`, s.kind]));
  return (c) => kinds.get(`${c.source}:${c.lineStart}:${c.text}`);
}

export interface CheckSummary {
  readonly answerable: {
    readonly questions: number;
    readonly refused: number;
    readonly warned: number;
    readonly firstClaimRight: number;
    readonly someRight: number;
    readonly errors: number;
  };
  readonly unanswerable: {
    readonly questions: number;
    readonly refused: number;
    readonly warned: number;
    readonly answered: number;
    readonly errors: number;
  };
}

export function summarizeChecks(checked: readonly CheckedQuestion[]): CheckSummary {
  const answerable = { questions: 0, refused: 0, warned: 0, firstClaimRight: 0, someRight: 0, errors: 0 };
  const unanswerable = { questions: 0, refused: 0, warned: 0, answered: 0, errors: 0 };
  for (const { check, outcome } of checked) {
    if (check.file !== undefined) {
      answerable.questions++;
      if (outcome.kind === "refused") answerable.refused++;
      else if (outcome.kind === "error") answerable.errors++;
      else {
        if (outcome.warned) answerable.warned++;
        if (outcome.firstClaimRight) answerable.firstClaimRight++;
        if (outcome.someRight) answerable.someRight++;
      }
    } else {
      unanswerable.questions++;
      if (outcome.kind === "refused") unanswerable.refused++;
      else if (outcome.kind === "error") unanswerable.errors++;
      else if (outcome.warned) unanswerable.warned++;
      else unanswerable.answered++;
    }
  }
  return { answerable, unanswerable };
}

/** One word or two for a question's outcome; what went wrong is in capitals, to stand out in a long list. */
export function verdictOf({ check, outcome }: CheckedQuestion): string {
  if (outcome.kind === "error") return "ERROR";
  const warned = outcome.kind === "answered" && outcome.warned ? ", weak match" : "";
  if (check.file === undefined) {
    if (outcome.kind === "refused") return "refused (right)";
    return outcome.warned ? "weak match" : "ANSWERED";
  }
  if (outcome.kind === "refused") return "REFUSED";
  if (outcome.firstClaimRight) return `right${warned}`;
  return outcome.someRight ? `partly${warned}` : `WRONG${warned}`;
}

const percent = (n: number, of: number) => (of === 0 ? "-" : `${((n / of) * 100).toFixed(1)}%`);

/** A Markdown table cell: one line, no column breaks, no terminal controls. */
const cell = (text: string) => dropControlCharacters(text).replace(/\s+/g, " ").replace(/\|/g, "\\|");

/** The report `npm run eval -- --questions` prints: every question's outcome, then the figures. */
export function formatChecks(checked: readonly CheckedQuestion[], heading: string): string {
  const { answerable, unanswerable } = summarizeChecks(checked);
  const rows = checked.map((item) => {
    const { check, outcome } = item;
    const expected = check.file === undefined ? "not in the documents" : `${check.file}:${check.lines.join(",")}`;
    const got =
      outcome.kind === "answered" ? outcome.cited.join(", ") : outcome.kind === "error" ? outcome.message : "";
    return `| ${check.line} | ${cell(check.question)} | ${cell(expected)} | ${verdictOf(item)} | ${cell(got)} |`;
  });
  const lines = [
    heading,
    "",
    "| Line | Question | Expected | Outcome | Cited |",
    "| ---: | --- | --- | --- | --- |",
    ...rows,
    "",
  ];
  if (answerable.questions > 0) {
    const n = answerable.questions;
    lines.push(
      "| Questions the documents answer | Refused | Weak-match warning | First claim cited answers | Some cited sentence answers |",
      "| ---: | ---: | ---: | ---: | ---: |",
      `| ${n} | ${percent(answerable.refused, n)} | ${percent(answerable.warned, n)} | ${percent(answerable.firstClaimRight, n)} | ${percent(answerable.someRight, n)} |`,
      "",
    );
  }
  if (unanswerable.questions > 0) {
    const n = unanswerable.questions;
    lines.push(
      "| Questions the documents do not answer | Refused | Weak-match warning | Answered without a warning |",
      "| ---: | ---: | ---: | ---: |",
      `| ${n} | ${percent(unanswerable.refused, n)} | ${percent(unanswerable.warned, n)} | ${percent(unanswerable.answered, n)} |`,
      "",
    );
  }
  const errors = answerable.errors + unanswerable.errors;
  if (errors > 0)
    lines.push(`${errors} question(s) could not be asked (ERROR above); they count as neither right nor refused.`, "");
  lines.push(
    "The first claim is the first cited sentence that is neither context (cited before the best one) nor a heading, an FAQ's question or a lead-in.",
  );
  return `${lines.join("\n")}\n`;
}
