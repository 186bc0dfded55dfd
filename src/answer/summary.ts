import { isHeading, standsAlone, type Passage } from "../corpus/reference.js";
import type { Sentence } from "../corpus/split.js";
import { tokenize } from "../retrieval/terms/tokenize.js";
import type { FileSummary } from "./answer.js";
import { quoteSentences } from "./compose.js";

/**
 * Summary requests ("Summarize the article", "tl;dr", "What is this document about?", "What
 * documents do you have?"). Pure.
 *
 * Asked as a question, "Summarize the article" shares no words with any sentence and is refused
 * as "not found", which reads as broken. A request for a summary is answered instead with an
 * extractive summary of the file it names (or of the only file), cited like any answer; with
 * several files and none named, with how each file opens. A request whose subject is not a file
 * ("Summarize the tariff changes", "What are the main points of contention?") is a question
 * about content and goes through ordinary retrieval.
 */

/** Politeness and framing before the request itself: "hey, can you please give me ...". */
const PREAMBLE =
  /^(?:(?:hey|hi|hello|ok|okay|so|please|pls|kindly)\b[,!]?\s*|(?:can|could|would|will) you\s+(?:please\s+)?|(?:can|could|may) (?:i|we) (?:get|have|see)\s+|i(?:'d| would) like\s+|i want\s+|(?:give|show|send|get|write|tell) (?:me|us)\s+)/;

const SUMMARY_NOUN = String.raw`summary|overview|recap|rundown|synopsis|gist|tl;?dr|key points|main points|key takeaways|takeaways|highlights|main ideas|bottom line`;
/** "summarize the article", "recap please". */
const VERB_REQUEST = /^(?:summari[sz]e|sum up|recap|outline)\b(.*)$/;
/** "a short summary of the report", "tl;dr", "key points". */
const NOUN_REQUEST = new RegExp(
  String.raw`^(?:(?:a|an|the|your|any|some)\s+)?(?:(?:short|quick|brief|one[- ]line|high[- ]level)\s+)?(?:${SUMMARY_NOUN})\b(.*)$`,
);
/** "what's the gist", "what are the key points of the article". */
const WHAT_REQUEST = new RegExp(
  String.raw`^what(?:'s| is| are| was| were)\s+(?:the\s+)?(?:(?:short|quick|brief)\s+)?(?:${SUMMARY_NOUN})\b(.*)$`,
);

const DOCUMENT_NOUN = String.raw`article|document|doc|text|file|story|piece|report|page|post|source|corpus|content|material|paper|writeup|write-up`;
/** "what is this article about", "what's in the docs", "what do the sources say": the subject is the document itself. */
const ABOUT_REQUEST = new RegExp(
  String.raw`^(?:what(?:'s| is| are)\s+(?:this|that|the|these|those)\s+(?:${DOCUMENT_NOUN})s?\s+(?:all\s+)?about|what(?:'s| is| are)\s+in\s+(?:this|the|these|those)\s+(?:${DOCUMENT_NOUN})s?|what do(?:es)?\s+(?:this|the|these|those)\s+(?:${DOCUMENT_NOUN})s?\s+say)$`,
);

/** "what documents do you have?", "what can you tell me about?": what the sources hold, asked of the bot. */
const SOURCES_REQUEST =
  /^(?:(?:which|what) (?:documents|docs|files|sources|articles|texts)(?: (?:do|can) you (?:have|know|search|read|use|see|cover)| are (?:loaded|indexed|available|there))?|what (?:can|could) you (?:answer|tell me|help(?: me)? with)(?: questions)?(?: about| on)?|what do you know(?: about)?)$/;

/** "what is this about", "what's it all about": about the documents, or about whatever was said just before. */
const BARE_ABOUT = /^what(?:'s| is)\s+(?:this|it)\s+(?:all\s+)?about$/;

/** Words that only frame the request or point at "the document": what remains is its subject. */
const FRAMING_WORDS = new Set(
  (
    "a an the this that these those it its our your all of for about on in from regarding covering please pls me us " +
    "briefly quickly short brief quick everything whole entire main key points up say says said"
  ).split(" "),
);
const DOCUMENT_WORD = new RegExp(String.raw`^(?:${DOCUMENT_NOUN})s?$`);

export interface SummaryRequest {
  /** What the request names beyond "the document": "" for "Summarize the article", "London talks" for "Summarize the London talks". */
  readonly subject: string;
  /**
   * Present (true) on "What is this about?": a summary request when it opens a conversation, but
   * in a thread it more likely asks about the answer before it (a follow-up).
   */
  readonly onlyWithoutTopic?: true;
}

/** The request, when the question asks for a summary; undefined for an ordinary question. */
export function summaryRequest(question: string): SummaryRequest | undefined {
  let text = question
    .trim()
    .toLowerCase()
    .replace(/’/g, "'")
    .replace(/[?!.\s]+$/u, "");
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(PREAMBLE, "");
  }
  if (ABOUT_REQUEST.test(text) || SOURCES_REQUEST.test(text)) return { subject: "" };
  if (BARE_ABOUT.test(text)) return { subject: "", onlyWithoutTopic: true };
  const rest = VERB_REQUEST.exec(text)?.[1] ?? NOUN_REQUEST.exec(text)?.[1] ?? WHAT_REQUEST.exec(text)?.[1];
  if (rest === undefined) return undefined;
  const subject = rest
    .split(/[\s,:;]+/u)
    .filter((word) => word !== "" && !FRAMING_WORDS.has(word) && !DOCUMENT_WORD.test(word))
    .join(" ");
  return { subject };
}

export interface CorpusFileSummary {
  readonly source: string;
  /** The file's sentences in document order. */
  readonly sentences: readonly Sentence[];
}

/**
 * The files a summary request is about: every file when it names none, else the one file whose
 * name and title hold most of the subject's words (at least half of them). undefined
 * when the subject names no file: the request is then a question about content.
 */
export function filesToSummarize<F extends CorpusFileSummary>(
  request: SummaryRequest,
  files: readonly F[],
): F[] | undefined {
  const wanted = new Set(tokenize(request.subject));
  if (wanted.size === 0) return files.length > 0 ? [...files] : undefined;
  let best: F | undefined;
  let bestShare = 0;
  let bestNameShare = 0;
  let tied = false;
  const shareOf = (words: ReadonlySet<string>) => [...wanted].filter((w) => words.has(w)).length / wanted.size;
  for (const file of files) {
    // The file's name and its title (an opening heading), not its opening prose: "minerals" in the
    // article's first sentence does not make "the minerals dispute" a name for the whole article.
    const first = file.sentences[0];
    const title = first && isHeading(first) ? first.text : "";
    const nameWords = new Set(tokenize(file.source.replace(/\.[^./]+$/u, "").replace(/[\W_]+/gu, " ")));
    const share = shareOf(new Set([...nameWords, ...tokenize(title)]));
    // Between files named as well by name or title, the name decides: "the handbook" is
    // handbook.md, not oncall.md titled "On-call handbook".
    const nameShare = shareOf(nameWords);
    if (share > bestShare || (share === bestShare && share > 0 && nameShare > bestNameShare))
      [best, bestShare, bestNameShare, tied] = [file, share, nameShare, false];
    else if (share === bestShare && share > 0 && nameShare === bestNameShare) tied = true;
  }
  return best && bestShare >= 0.5 && !tied ? [best] : undefined;
}

const dot = (a: readonly number[], b: readonly number[]) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
};

/** How much of the choice is centrality (the rest is novelty against the sentences already chosen). */
export const SUMMARY_CENTRALITY_WEIGHT = 0.85;
/** A sentence this close to one already chosen says the same thing again (boilerplate, repeats): never picked. */
const NEAR_DUPLICATE = 0.9;
/** How many of the most central sentences compete for a place; files up to this size are searched whole. */
const SUMMARY_POOL = 500;

/**
 * Picks up to `count` of a file's sentences for an extractive summary: the opening sentence (a
 * document's lead usually says what it is about; headings, lead-ins and code, marked in `skip`, are passed over),
 * then by maximal marginal relevance: close to
 * the file's centroid (what the file as a whole is about) and unlike those already picked; never
 * a near-duplicate of one already picked. A sentence marked in `leansOnPrevious` (an FAQ's answer,
 * "They live in the docs folder.") is picked together with the sentence before it (its question),
 * which takes a place of its own: alone it would not say what it is about. Sentences that open with
 * a back-reference ("He heads ...") are not marked: bringing their previous sentence along covered
 * fewer XQuAD-R questions (0.255 against 0.261; leaving them out, 0.259 but 0.239 against 0.252 on
 * the development half).
 * `vectors` are the sentences' unit embeddings in document order. Returns positions in document order.
 *
 * Chosen on the XQuAD-R development half by how many of an article's questions the summary's
 * sentences answer (`npm run eval`), where it scored on a par with the first sentences.
 */
export function summarySentences(
  vectors: ReadonlyArray<readonly number[]>,
  count: number,
  skip: readonly boolean[] = [],
  leansOnPrevious: readonly boolean[] = [],
): number[] {
  const n = vectors.length;
  if (n === 0 || count <= 0) return [];
  // Headings name a section but say little: they neither open a summary nor compete, unless the
  // file holds nothing else.
  const onlyHeadings = skip.filter(Boolean).length >= n;
  const eligible = (i: number) => onlyHeadings || !skip[i];
  const lead = [...vectors.keys()].find(eligible)!;
  const dims = vectors[0]!.length;
  const centroid = new Array<number>(dims).fill(0);
  for (const v of vectors) for (let d = 0; d < dims; d++) centroid[d]! += v[d]!;
  const length = Math.sqrt(dot(centroid, centroid)) || 1;
  const centrality = vectors.map((v) => dot(v, centroid) / length);
  // Only the most central sentences compete after the opening one: the weight on centrality keeps
  // picks among them anyway, and a 100k-sentence file then costs two passes, not one per pick.
  const pool = [...centrality.keys()]
    .filter((i) => i !== lead && eligible(i))
    .sort((a, b) => centrality[b]! - centrality[a]!)
    .slice(0, SUMMARY_POOL);
  const chosen = new Set<number>();
  // The sentence a pick brings along: the one before it, when the pick leans on it and it is not
  // already in. It need not be eligible: an FAQ's question is passed over alone, but not with its answer.
  const companion = (i: number) => (leansOnPrevious[i] && i > 0 && !chosen.has(i - 1) ? i - 1 : undefined);
  // Redundancy with the chosen set, kept up to date incrementally: one pass over the pool per pick.
  const redundancy = new Map(pool.map((i) => [i, -Infinity]));
  const choose = (picked: number) => {
    chosen.add(picked);
    redundancy.delete(picked);
    for (const [i, similarity] of redundancy)
      redundancy.set(i, Math.max(similarity, dot(vectors[i]!, vectors[picked]!)));
  };
  const limit = Math.min(count, n);
  const leadCompanion = limit > 1 ? companion(lead) : undefined;
  choose(lead);
  if (leadCompanion !== undefined) choose(leadCompanion);
  while (chosen.size < limit) {
    let best = -1;
    let bestScore = -Infinity;
    for (const [i, similarity] of redundancy) {
      if (similarity >= NEAR_DUPLICATE) continue;
      if (companion(i) !== undefined && chosen.size + 2 > limit) continue;
      const score = SUMMARY_CENTRALITY_WEIGHT * centrality[i]! - (1 - SUMMARY_CENTRALITY_WEIGHT) * similarity;
      if (score > bestScore) [best, bestScore] = [i, score];
    }
    if (best === -1) break;
    const before = companion(best);
    choose(best);
    if (before !== undefined) choose(before);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * The first sentence of a file that says something on its own: not a heading, a lead-in, code or a
 * table row (the first one when none does).
 */
export function openingSentence<S extends Passage>(sentences: readonly S[]): S | undefined {
  return sentences.find((s) => standsAlone(s)) ?? sentences[0];
}

/** A summary quotes up to this many sentences of a file: more than an answer, still a quick read. */
export const SUMMARY_SENTENCES = 5;

/** At most this many files are listed in an overview of the whole corpus. */
export const OVERVIEW_MAX_FILES = 10;

/**
 * The summary as an answer: the chosen sentences in document order, each cited. `summaryOf` lists
 * the files it covers: one for a file's summary, several for an overview (one sentence each).
 */
export function composeSummary(
  question: string,
  sentences: readonly Sentence[],
  summaryOf: readonly string[],
  corpusFiles: number,
): FileSummary {
  return {
    ...quoteSentences(question, sentences),
    kind: "summary",
    summaryOf: [...summaryOf],
    ...(summaryOf.length > 1 ? { corpusFiles } : {}),
  };
}
