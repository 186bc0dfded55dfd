import { readFile } from "node:fs/promises";
import type { Sentence } from "../corpus/split.js";

/** One XQuAD-R article as the eval sees it: its gold sentences and its questions. */
export interface EvalArticle {
  readonly title: string;
  /** Paragraph contexts, kept for running our own splitter and the chunking baseline. */
  readonly paragraphs: readonly {
    readonly context: string;
    readonly breaks: ReadonlyArray<readonly [number, number]>;
  }[];
  readonly sentences: readonly Sentence[];
  readonly questions: readonly EvalQuestion[];
}

export interface EvalQuestion {
  readonly question: string;
  /** Index into the article's `sentences` of the sentence holding the answer. */
  readonly gold: number;
  readonly paragraph: number;
  /** Character offset of the answer within its paragraph's context. */
  readonly answerStart: number;
}

interface RawDataset {
  data: Array<{
    title: string;
    paragraphs: Array<{
      context: string;
      sentence_breaks: Array<[number, number]>;
      qas: Array<{ question: string; answers: Array<{ answer_start: number }> }>;
    }>;
  }>;
}

/** Parses XQuAD-R (SQuAD JSON with sentence_breaks). A question's gold sentence holds its first answer's start. */
export function parseXquadR(json: string): EvalArticle[] {
  const raw = JSON.parse(json) as RawDataset;
  return raw.data.map((article) => {
    const sentences: Sentence[] = [];
    const questions: EvalQuestion[] = [];
    article.paragraphs.forEach((paragraph, p) => {
      const first = sentences.length;
      for (const [start, end] of paragraph.sentence_breaks) {
        sentences.push({
          text: paragraph.context.slice(start, end).trim().replace(/\s+/g, " "),
          source: `${article.title}#${p}`,
          lineStart: p + 1,
          lineEnd: p + 1,
          charStart: start,
          charEnd: end,
        });
      }
      for (const qa of paragraph.qas) {
        const answerStart = qa.answers[0]?.answer_start ?? -1;
        let gold = paragraph.sentence_breaks.findIndex(([start, end]) => answerStart >= start && answerStart < end);
        // An answer starting on the space between two sentences belongs to the next one.
        if (gold === -1) gold = paragraph.sentence_breaks.findIndex(([start]) => start > answerStart);
        if (gold === -1) continue;
        questions.push({ question: qa.question, gold: first + gold, paragraph: p, answerStart });
      }
    });
    return {
      title: article.title,
      paragraphs: article.paragraphs.map((p) => ({ context: p.context, breaks: p.sentence_breaks })),
      sentences,
      questions,
    };
  });
}

export async function loadXquadR(file: string): Promise<EvalArticle[]> {
  return parseXquadR(await readFile(file, "utf8"));
}

/** Reads a question list: one per line, `#` comments and blank lines skipped. */
export async function loadQuestionList(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** A question with the corpus lines that answer it. */
export interface LabelledQuestion {
  readonly question: string;
  readonly lines: readonly number[];
}

/** Reads "question<TAB>line,line" lines (# comments and blank lines ignored). */
export async function loadLabelledQuestions(file: string): Promise<LabelledQuestion[]> {
  return (await loadQuestionList(file)).map((line) => {
    const [question, lines] = line.split("\t");
    const numbers = (lines ?? "").split(",").map((n) => Number(n.trim()));
    if (!question || numbers.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < 1))
      throw new Error(`${file}: expected "question<TAB>line[,line...]", got: ${line}`);
    return { question: question.trim(), lines: numbers };
  });
}

/** A question about one file of a documents corpus, with the lines of that file that answer it. */
export interface DocumentQuestion {
  readonly question: string;
  readonly file: string;
  readonly lines: readonly number[];
}

/** Reads "question<TAB>file<TAB>line[,line...]" lines (# comments and blank lines ignored). */
export async function loadDocumentQuestions(file: string): Promise<DocumentQuestion[]> {
  return (await loadQuestionList(file)).map((line) => {
    const [question, source, lines] = line.split("\t").map((field) => field.trim());
    const numbers = (lines ?? "").split(",").map((n) => Number(n.trim()));
    if (!question || !source || numbers.some((n) => !Number.isInteger(n) || n < 1))
      throw new Error(`${file}: expected "question<TAB>file<TAB>line[,line...]", got: ${line}`);
    return { question, file: source, lines: numbers };
  });
}

/** A second question asked after a first one in the same conversation, with the lines that answer the second. */
export interface ConversationTurn {
  readonly earlier: string;
  readonly question: string;
  readonly lines: readonly number[];
  /**
   * What the writer meant: a follow-up leaning on the earlier question, a change of subject, or a
   * follow-up the article does not answer (no lines).
   */
  readonly kind: "follow-up" | "new topic" | "not answered";
}

const TURN_KINDS: ReadonlySet<string> = new Set(["follow-up", "new topic", "not answered"]);

/**
 * Reads "earlier<TAB>question<TAB>line,line<TAB>follow-up|new topic" lines, or
 * "earlier<TAB>question<TAB>-<TAB>not answered" (# comments and blank lines ignored).
 */
export async function loadConversationTurns(file: string): Promise<ConversationTurn[]> {
  return (await loadQuestionList(file)).map((line) => {
    const [earlier, question, lines, kind] = line.split("\t").map((field) => field.trim());
    const unanswered = kind === "not answered";
    const numbers = unanswered ? [] : (lines ?? "").split(",").map((n) => Number(n.trim()));
    const linesOk = unanswered ? lines === "-" : numbers.every((n) => Number.isInteger(n) && n >= 1);
    if (!earlier || !question || !linesOk || kind === undefined || !TURN_KINDS.has(kind)) {
      throw new Error(
        `${file}: expected "earlier question<TAB>question<TAB>line[,line...] or -<TAB>follow-up|new topic|not answered", got: ${line}`,
      );
    }
    return { earlier, question, lines: numbers, kind: kind as ConversationTurn["kind"] };
  });
}
