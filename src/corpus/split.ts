/**
 * Sentence splitting for news-style prose and Markdown. Pure: text in, sentences with exact source
 * positions out.
 *
 * Why not a library splitter: the citations must point at exact lines and character offsets, the
 * corpus has hard cases (a sentence wrapped across lines, "the U.S. Instead, ..." which ends a
 * sentence on an abbreviation, "U.S. President Donald Trump" which does not), and Markdown
 * structure (headings, list items, fences) must bound sentences. Rules, in order:
 *
 *  1. The text is cut into blocks: paragraphs (blank lines), Markdown headings, list items, table
 *     rows and fenced code. A single line break inside a paragraph is just whitespace.
 *  2. Inside a block a boundary is `.`, `!`, `?` or `...` (plus closing quotes/brackets), then
 *     whitespace, then an upper-case letter, a digit, or an opening quote, bracket or Markdown
 *     emphasis or code mark (`*`, `_`, a backtick) before any letter.
 *  3. A `.` after a known abbreviation is not a boundary: titles (Mr., Dr.) never; initialisms and
 *     company suffixes (U.S., Inc.) only when the next word is a common sentence opener ("Instead",
 *     "The"), which is how "the U.S. Instead" splits while "U.S. President" does not.
 */

import { SENTENCE_OPENERS } from "../language/english.js";

/** Bump when the rules change: the index manifest records it so stale indexes rebuild. */
export const SPLITTER_VERSION = 14;

/** Longer runs without a boundary are cut at whitespace so every passage stays embeddable and quotable. */
export const MAX_SENTENCE_CHARS = 1_000;

export interface Sentence {
  /**
   * The sentence with internal whitespace (including wrapped lines) collapsed to single spaces; a
   * code block keeps its lines.
   */
  readonly text: string;
  /** File the sentence came from, as shown in citations. */
  readonly source: string;
  /** 1-based first and last line of the sentence in the source. */
  readonly lineStart: number;
  readonly lineEnd: number;
  /** 0-based character offsets into the source text: text.slice(charStart, charEnd). */
  readonly charStart: number;
  readonly charEnd: number;
  /**
   * What Markdown structure it came from (or, in plain text, an underlined title); absent for prose. A heading leads into the sentences
   * under it; an item, a row or code never does, however short (answer composition, summaries).
   */
  readonly kind?: SentenceKind;
  /**
   * What retrieval reads instead of `text`, when that differs: a table row with its column names
   * ("Step: Publish; Command: make publish; Owner: Release captain"), since a bare row
   * ("| Publish | make publish | Release captain |") never says that "make publish" is a command.
   */
  readonly searchText?: string;
}

/** The text that is embedded and indexed for a sentence (see `Sentence.searchText`). */
export function searchTextOf(sentence: Pick<Sentence, "text" | "searchText">): string {
  return sentence.searchText ?? sentence.text;
}

/** "header-row" is a table's first row, the one above the "|---|" line: it names the columns of the rows under it. */
export type SentenceKind = "heading" | "item" | "row" | "header-row" | "code";

interface Block {
  start: number;
  end: number;
  /** Prose and list items are split into sentences; headings, rows and code are kept whole. */
  kind: "prose" | SentenceKind;
}

const TITLES = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "gen",
  "sen",
  "rep",
  "gov",
  "lt",
  "col",
  "capt",
  "sgt",
  "rev",
  "hon",
  "pres",
  "supt",
  "cmdr",
  "adm",
  "maj",
  "mt",
  "ft",
]);

/** Abbreviations that normally continue the sentence (followed by a number, a name or lower case). */
const CONTINUING = new Set([
  "e.g",
  "i.e",
  "vs",
  "cf",
  "approx",
  "no",
  "nos",
  "fig",
  "figs",
  "vol",
  "vols",
  "pp",
  "p",
  "ch",
  "sec",
  "art",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "est",
  "dept",
  "univ",
  "al",
]);

/** Abbreviations that may end a sentence; they do when the next word is a common sentence opener. */
const SENTENCE_FINAL = new Set(["inc", "ltd", "corp", "co", "llc", "plc", "etc", "bros"]);

// Markdown emphasis and code spans open sentences too: "... (Apache-2.0). `index/` is rebuilt ...".
const OPENING_PUNCT = `"'“‘([\`*_`;
const CLOSING_PUNCT = `"'”’)]`;

/**
 * Whether `below` is a body row of the same table as `above`: body rows sit on consecutive lines,
 * the first one two lines under the header row (past the "|---|" line).
 */
export function continuesTable(
  above: Pick<Sentence, "kind" | "lineEnd">,
  below: Pick<Sentence, "kind" | "lineStart">,
): boolean {
  if (below.kind !== "row") return false;
  if (above.kind === "header-row") return below.lineStart - above.lineEnd === 2;
  return above.kind === "row" && below.lineStart - above.lineEnd === 1;
}

/** Each table row's cells named by its table's header row, as `searchText`. */
function withColumnNames(sentences: Sentence[]): Sentence[] {
  const cells = (row: string) =>
    row
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
  let header: Sentence | undefined;
  return sentences.map((sentence, i) => {
    const previous = sentences[i - 1];
    if (sentence.kind === "header-row") header = sentence;
    else if (!previous || !continuesTable(previous, sentence)) header = undefined;
    if (sentence.kind !== "row" || !header) return sentence;
    const names = cells(header.text);
    const values = cells(sentence.text);
    const searchText =
      names.length === values.length
        ? names.map((name, k) => (name ? `${name}: ${values[k]}` : values[k])).join("; ")
        : `${header.text} ${sentence.text}`;
    return { ...sentence, searchText };
  });
}

export function splitSentences(text: string, source: string): Sentence[] {
  const lineStarts = computeLineStarts(text);
  const sentences: Sentence[] = [];
  for (const block of findBlocks(text, source)) {
    const split = block.kind === "prose" || block.kind === "item";
    const spans = split ? splitBlock(text, block.start, block.end) : [[block.start, block.end] as const];
    for (const [start, end] of spans) {
      for (const [s, e] of capLength(text, start, end)) {
        const sentence = makeSentence(text, source, lineStarts, s, e, block.kind);
        if (sentence) sentences.push(sentence);
      }
    }
  }
  return withColumnNames(sentences);
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line number holding character offset `offset`. */
function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function makeSentence(
  text: string,
  source: string,
  lineStarts: readonly number[],
  start: number,
  end: number,
  kind: Block["kind"],
): Sentence | undefined {
  const code = kind === "code";
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (end <= start) return undefined;
  // Code keeps its first line's indentation, so that all its lines can lose the same amount.
  if (code) while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start--;
  const raw = text.slice(start, end);
  const clean = code ? codeText(raw) : raw.replace(/\s+/g, " ");
  // A span of only punctuation or markup (a lone "---" rule, "***") carries nothing to cite.
  if (!/[\p{L}\p{N}]/u.test(clean)) return undefined;
  const sentence = {
    text: clean,
    source,
    lineStart: lineOf(lineStarts, start),
    lineEnd: lineOf(lineStarts, end - 1),
    charStart: start,
    charEnd: end,
  };
  return kind === "prose" ? sentence : { ...sentence, kind };
}

/** What `\s` matches, so trimming agrees with the whitespace collapsing above (a leading U+2028 left a leading space). */
function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const HEADING = /^ {0,3}#{1,6}(?:[ \t]+|$)/;
const LIST_ITEM = /^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+/;
/**
 * A fence opens with three or more backticks or tildes (CommonMark). After backticks the rest of the
 * line (the info string) may hold no backtick: "```make deploy```" on a line of its own is inline code,
 * not a fence, and read as one it would swallow the rest of the file as code.
 */
const FENCE = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
/** Closes a fence: the same character, at least as many, and nothing after but spaces. */
const CLOSING_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const TABLE_ROW = /^[ \t]*\|/;
const TABLE_SEPARATOR = /^[\s|:-]+$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
/** A line that is all strong emphasis: "**Where are the docs?**", "__Accounts__". */
const STRONG_LINE = /^ {0,3}(\*\*|__)(?=\S)(?:(?!\1).)*\S\1[ \t]*$/;

/** Cuts the text into blocks; markers (`# `, `- `) are left outside the block so citations quote content. */
function findBlocks(text: string, source: string): Block[] {
  const markdown = /\.(md|markdown)$/i.test(source);
  const blocks: Block[] = [];
  let current: Block | undefined;
  const flush = () => {
    if (current) blocks.push(current);
    current = undefined;
  };
  let fence: { marker: string; block: Block } | undefined;
  let inComment = false;

  let lineStart = markdown ? skipFrontMatter(text, blocks) : 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const line = text.slice(lineStart, contentEnd);

    if (inComment) {
      inComment = !line.includes("-->");
    } else if (
      markdown &&
      !fence &&
      line.trimStart().startsWith("<!--") &&
      (!line.includes("-->") || /-->\s*$/.test(line))
    ) {
      // An HTML comment is not shown to readers: nothing in it is cited.
      flush();
      inComment = !line.includes("-->");
    } else if (fence) {
      fence.block.end = contentEnd;
      const closing = CLOSING_FENCE.exec(line)?.[1];
      if (closing && closing[0] === fence.marker[0] && closing.length >= fence.marker.length) {
        blocks.push({ start: fence.block.start, end: lineStart, kind: "code" });
        fence = undefined;
      }
    } else if (markdown && FENCE.test(line)) {
      flush();
      const marker = FENCE.exec(line)?.[1] ?? "```";
      const bodyStart = Math.min(lineEnd + 1, text.length);
      fence = { marker, block: { start: bodyStart, end: bodyStart, kind: "code" } };
    } else if (current?.kind === "prose" && SETEXT_UNDERLINE.test(line) && (markdown || line.trim().length >= 3)) {
      // "Title" over "=====" (or "-----"): the paragraph above is a heading, the underline no text.
      // Plain-text files underline titles the same way.
      current.kind = "heading";
      flush();
    } else if (line.trim() === "" || (markdown && RULE.test(line))) {
      flush();
    } else if (markdown && HEADING.test(line)) {
      flush();
      const markerLength = HEADING.exec(line)?.[0].length ?? 0;
      const end = contentEnd - (/[ \t]#+[ \t]*$/.exec(line)?.[0].length ?? 0);
      blocks.push({ start: lineStart + markerLength, end, kind: "heading" });
    } else if (markdown && TABLE_ROW.test(line)) {
      flush();
      if (TABLE_SEPARATOR.test(line)) {
        const header = blocks.at(-1);
        if (header?.kind === "row" && text.lastIndexOf("\n", lineStart - 2) < header.start) header.kind = "header-row";
      } else {
        blocks.push({ start: lineStart, end: contentEnd, kind: "row" });
      }
    } else if (LIST_ITEM.test(line)) {
      flush();
      current = { start: lineStart + (LIST_ITEM.exec(line)?.[0].length ?? 0), end: contentEnd, kind: "item" };
    } else if (current) {
      current.end = contentEnd;
    } else if (markdown && STRONG_LINE.test(line)) {
      // A paragraph's wholly bold first line is a heading or an FAQ question in all but markup
      // ("**How do I get access?**" with its answer on the next line): it stands alone, so the
      // answer is not merged into it.
      const indent = line.length - line.trimStart().length;
      blocks.push({ start: lineStart + indent, end: lineStart + line.trimEnd().length, kind: "prose" });
    } else {
      const quote = markdown ? (/^ {0,3}>[ \t]?/.exec(line)?.[0].length ?? 0) : 0;
      current = { start: lineStart + quote, end: contentEnd, kind: "prose" };
    }
    lineStart = lineEnd + 1;
  }
  flush();
  if (fence) blocks.push(fence.block);
  if (!markdown) markNumberedTitles(text, blocks);
  return blocks;
}

/**
 * Plain text numbers its section titles like list items ("1. Booking travel", a blank line, then
 * the section's paragraph). Such an item, standing alone between blank lines, short, without closing
 * punctuation and followed by prose, is a heading: it says where the answer is, not what it is.
 * Items that follow one another, spaced or not, or a lead-in ("Steps:"), stay items.
 */
function markNumberedTitles(text: string, blocks: Block[]): void {
  const blankBetween = (from: number, to: number) => /\n[ \t\r]*\n/.test(text.slice(from, to));
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    const previous = blocks[i - 1];
    if (block.kind !== "item" || next?.kind !== "prose") return;
    if (!blankBetween(block.end, next.start) || (previous && !blankBetween(previous.end, block.start))) return;
    // After another item, or a lead-in ("Steps:"), it is one of a list.
    if (previous?.kind === "item" || (previous && /:\s*$/.test(text.slice(previous.start, previous.end)))) return;
    const title = text.slice(block.start, block.end).trim();
    if (/[.!?…:;]$/u.test(title) || title.split(/\s+/u).length > 12) return;
    block.kind = "heading";
  });
}

/**
 * Skips YAML front matter ("---" on the first line, up to the next "---" or "..." line): it is
 * metadata, not text. Its `title:` value, if any, becomes a heading block. Returns where the text
 * proper starts (0 when there is no front matter).
 */
function skipFrontMatter(text: string, blocks: Block[]): number {
  const opening = /^---[ \t]*\r?\n/.exec(text);
  if (!opening) return 0;
  const closing = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m.exec(text.slice(opening[0].length));
  if (!closing) return 0;
  const end = opening[0].length + closing.index;
  const titleAt = /^title:/m.exec(text.slice(opening[0].length, end));
  if (titleAt) {
    // Worked out by hand, not by one regular expression: a lazy match up to optional quotes and
    // spaces backtracks quadratically on a long line of spaces.
    let start = opening[0].length + titleAt.index + "title:".length;
    let stop = text.indexOf("\n", start);
    if (stop === -1 || stop > end) stop = end;
    while (start < stop && isSpace(text.charCodeAt(start))) start++;
    while (stop > start && isSpace(text.charCodeAt(stop - 1))) stop--;
    const quote = text[start];
    if ((quote === '"' || quote === "'") && stop - start >= 2 && text[stop - 1] === quote)
      [start, stop] = [start + 1, stop - 1];
    if (stop > start) blocks.push({ start, end: stop, kind: "heading" });
  }
  return end + closing[0].length;
}

/** Code as written: line breaks and relative indentation kept, trailing spaces and runs of blank lines dropped. */
function codeText(raw: string): string {
  const lines = raw.split(/\r?\n/).map((line) => line.replace(/\s+$/u, ""));
  const indents = lines.filter((line) => line !== "").map((line) => /^[ \t]*/.exec(line)![0].length);
  const common = Math.min(...indents);
  return lines
    .map((line) => line.slice(common))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

/** Splits one prose block into sentence spans. */
function splitBlock(text: string, start: number, end: number): Array<readonly [number, number]> {
  const spans: Array<readonly [number, number]> = [];
  let sentenceStart = start;
  for (let i = start; i < end; i++) {
    const ch = text[i];
    if (ch !== "." && ch !== "!" && ch !== "?") continue;
    // Take the whole run of terminal punctuation ("?!", "...") and any closing quotes or brackets.
    let j = i + 1;
    while (j < end && (text[j] === "." || text[j] === "!" || text[j] === "?")) j++;
    while (j < end && CLOSING_PUNCT.includes(text[j] ?? "")) j++;
    const boundaryEnd = j;
    if (j < end && !isSpace(text.charCodeAt(j))) {
      i = j - 1;
      continue; // "8.1%", "U.S.-China", "example.com": no whitespace, no boundary.
    }
    while (j < end && isSpace(text.charCodeAt(j))) j++;
    if (j >= end) break; // End of block: the block end closes the sentence anyway.
    if (!startsSentence(text, j, end)) {
      i = boundaryEnd - 1;
      continue;
    }
    if (
      ch === "." &&
      boundaryEnd - i === 1 + countClosers(text, i + 1, boundaryEnd) &&
      isAbbreviation(text, start, i, j, end)
    ) {
      i = boundaryEnd - 1;
      continue;
    }
    spans.push([sentenceStart, boundaryEnd]);
    sentenceStart = j;
    i = j - 1;
  }
  spans.push([sentenceStart, end]);
  return spans;
}

function countClosers(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (CLOSING_PUNCT.includes(text[k] ?? "")) n++;
  return n;
}

function startsSentence(text: string, at: number, end: number): boolean {
  let k = at;
  while (k < end && OPENING_PUNCT.includes(text[k] ?? "")) k++;
  const ch = text[k] ?? "";
  return /[\p{Lu}\p{N}]/u.test(ch) || (k > at && /\p{L}/u.test(ch));
}

/** The word right before the period at `dot` (letters and inner periods, as in "U.S" or "e.g"). */
function wordBefore(text: string, blockStart: number, dot: number): string {
  let k = dot;
  while (k > blockStart && /[\p{L}.]/u.test(text[k - 1] ?? "")) k--;
  return text.slice(k, dot).replace(/^\.+/, "");
}

function nextWord(text: string, at: number, end: number): string {
  let k = at;
  while (k < end && OPENING_PUNCT.includes(text[k] ?? "")) k++;
  const match = /^[\p{L}'’]+/u.exec(text.slice(k, Math.min(end, k + 40)));
  return match ? match[0] : "";
}

function isAbbreviation(text: string, blockStart: number, dot: number, next: number, end: number): boolean {
  const word = wordBefore(text, blockStart, dot);
  if (word === "") return false;
  const lower = word.toLowerCase();
  const following = nextWord(text, next, end).toLowerCase();
  const opensSentence = following !== "" && SENTENCE_OPENERS.has(following);

  if (TITLES.has(lower)) return true;
  if (CONTINUING.has(lower)) return !opensSentence || lower === "e.g" || lower === "i.e";
  // Initialisms: "U.S", "U.K", "a.m", and single initials such as the "F" in "John F. Kennedy".
  const initialism = /^(?:\p{L}\.)+\p{L}$/u.test(word) || /^\p{Lu}$/u.test(word);
  if (initialism || SENTENCE_FINAL.has(lower)) return !opensSentence;
  return false;
}

/** Cuts an over-long span at whitespace so no passage exceeds MAX_SENTENCE_CHARS. */
function capLength(text: string, start: number, end: number): Array<readonly [number, number]> {
  if (end - start <= MAX_SENTENCE_CHARS) return [[start, end]];
  const parts: Array<readonly [number, number]> = [];
  let s = start;
  while (end - s > MAX_SENTENCE_CHARS) {
    let cut = s + MAX_SENTENCE_CHARS;
    const lastSpace = text.lastIndexOf(" ", cut);
    if (lastSpace > s + MAX_SENTENCE_CHARS / 2) cut = lastSpace;
    parts.push([s, cut]);
    s = cut;
  }
  parts.push([s, end]);
  return parts;
}
