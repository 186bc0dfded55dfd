import { AcronymAliases, acronymDefinitions } from "./rewriting/acronyms.js";
import { acronymTerm, forEachTerm, tokenize } from "./terms/tokenize.js";
import { isEnglishWord } from "./features/specificity.js";
import { MIN_CORRECTED_LENGTH, SpellingIndex } from "./rewriting/typos.js";

export interface Bm25Params {
  readonly k1: number;
  readonly b: number;
  /** Read a question word the corpus lacks as the corpus word one edit away (see typos.ts). */
  readonly correctTypos: boolean;
}

/** Tuned on the XQuAD-R development half (see src/eval); sentences are short, so length matters less. */
export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.4, correctTypos: true };

/** At most this many corrected question words are remembered. */
const CORRECTION_CACHE_LIMIT = 10_000;

export interface ScoredId {
  readonly id: number;
  readonly score: number;
}

/**
 * Okapi BM25 over an inverted index. Written here rather than using LangChain's BM25Retriever,
 * which re-scans every document with a regular expression per query term (linear in the corpus
 * per query, substring matches, no stop words or stemming); this index touches only the postings
 * of the query's terms, so it stays fast at 100k+ sentences.
 */
/** BM25's IDF (the Lucene form, never negative) of a term in `df` of `size` documents. */
export function inverseDocumentFrequency(size: number, df: number): number {
  return Math.log(1 + (size - df + 0.5) / (df + 0.5));
}

export class Bm25Index {
  private readonly postings = new Map<string, { ids: number[]; tfs: number[] }>();
  private readonly lengths: Float64Array;
  /** Each document's tokens, kept for phrase matching; strings are shared with the postings' keys. */
  private readonly docTokens: string[][];
  private readonly averageLength: number;
  private readonly spelling: SpellingIndex | undefined;
  private readonly corrections = new Map<string, string | undefined>();
  private readonly acronyms: AcronymAliases;
  readonly size: number;

  constructor(
    texts: readonly string[],
    private readonly params: Bm25Params = DEFAULT_BM25,
  ) {
    this.size = texts.length;
    this.lengths = new Float64Array(texts.length);
    this.docTokens = new Array<string[]>(texts.length);
    const interned = new Map<string, string>();
    let total = 0;
    const words = new Map<string, string>();
    const seen = new Set<string>();
    const acronyms = (this.acronyms = new AcronymAliases(acronymDefinitions(texts)));
    texts.forEach((text, id) => {
      const tokens: string[] = [];
      forEachTerm(text, (raw, term) => {
        let shared = interned.get(term);
        if (shared === undefined) interned.set(term, (shared = term));
        tokens.push(shared);
        // Most words repeat and are lower-case already: one map lookup settles them.
        if (params.correctTypos && raw.length >= MIN_CORRECTED_LENGTH && !words.has(raw) && !seen.has(raw)) {
          seen.add(raw);
          const word = raw.toLowerCase();
          if (!words.has(word) && SpellingIndex.correctable(word)) words.set(word, shared);
        }
      });
      this.docTokens[id] = tokens;
      this.lengths[id] = tokens.length;
      total += tokens.length;
      const counts = new Map<string, number>();
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      // Found, not written: the sentence's length and its phrases stay as written.
      for (const term of acronyms.extraTerms(tokens)) counts.set(interned.get(term) ?? term, 1);
      for (const [term, tf] of counts) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = { ids: [], tfs: [] }));
        list.ids.push(id);
        list.tfs.push(tf);
      }
    });
    this.spelling = params.correctTypos
      ? new SpellingIndex(words, (term) => this.postings.get(term)?.ids.length ?? 0)
      : undefined;
    // Sparse input (an updated index has holes where sentences were removed) counts only real documents.
    const documents = texts.reduce((n) => n + 1, 0);
    this.averageLength = documents === 0 ? 0 : total / documents || 1;
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.ids.length ?? 0;
    return inverseDocumentFrequency(this.size, df);
  }

  tokensOf(id: number): readonly string[] {
    return this.docTokens[id] ?? [];
  }

  /** The documents that spell out an acronym ("paid time off (PTO)"), given as written ("PTO"). */
  definitionsOf(acronym: string): number[] {
    return this.acronyms.definedIn(acronymTerm(acronym));
  }

  /**
   * Unique query terms (a repeated word counts once: questions rarely repeat words for emphasis),
   * a misspelt word (one neither in the corpus nor in everyday English) read as the corpus word one
   * edit away.
   */
  queryTerms(query: string): string[] {
    const terms = new Set<string>();
    forEachTerm(query, (raw, term) => {
      // A real word the corpus lacks ("mayor", "convention") is not a typo of one it has ("major", "contention").
      const known = this.postings.has(term) || isEnglishWord(term);
      terms.add(known ? term : (this.corrected(raw.toLowerCase()) ?? term));
    });
    // "set up" asked where the corpus writes "setup" ("log in"/"login", "roll back"/"rollback"): the
    // pair's compound stands in for a word of it that the corpus does not have, which could only
    // dilute. When the corpus has every word of the pair, they are left as they are.
    for (const { compound, words } of adjacentCompounds(query)) {
      const term = tokenize(compound)[0];
      if (term === undefined || !this.postings.has(term)) continue;
      const missing = words
        .map((word) => tokenize(word)[0])
        .filter((part): part is string => part !== undefined && !this.postings.has(part));
      if (missing.length === 0) continue;
      for (const part of missing) terms.delete(part);
      terms.add(term);
    }
    return [...terms];
  }

  private corrected(word: string): string | undefined {
    if (!this.spelling) return undefined;
    if (this.corrections.has(word)) return this.corrections.get(word);
    const term = this.spelling.correct(word);
    if (this.corrections.size >= CORRECTION_CACHE_LIMIT) this.corrections.clear();
    this.corrections.set(word, term);
    return term;
  }

  /**
   * BM25 scores of every document sharing a term with the query. Accumulates into a typed array
   * (one slot per document) rather than a Map: at 100k sentences a common term touches tens of
   * thousands of documents per query.
   */
  scores(query: string): LexicalScores {
    const { k1, b } = this.params;
    const acc = new Float64Array(this.lengths.length);
    const touched: number[] = [];
    for (const term of this.queryTerms(query)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (let i = 0; i < list.ids.length; i++) {
        const id = list.ids[i]!;
        const tf = list.tfs[i]!;
        const norm = k1 * (1 - b + (b * this.lengths[id]!) / this.averageLength);
        if (acc[id] === 0) touched.push(id);
        acc[id]! += (idf * tf * (k1 + 1)) / (tf + norm);
      }
    }
    return new LexicalScores(acc, touched);
  }

  /** Every document sharing a term with the query (or the best `limit`), best first. */
  search(query: string, limit = Infinity): ScoredId[] {
    return this.scores(query).top(limit);
  }

  /**
   * Share of the query's information (IDF-weighted terms) found in one document: 1 when every
   * query term occurs in it, 0 when none does. An absolute signal, unlike BM25 scores, which only
   * rank. `weight` scales each term's IDF (e.g. by how specific the word is in everyday English).
   */
  coverage(terms: readonly string[], id: number, weight: (term: string) => number = () => 1): number {
    let found = 0;
    let total = 0;
    for (const term of terms) {
      const idf = this.idf(term) * weight(term);
      total += idf;
      if (containsSorted(this.postings.get(term)?.ids ?? [], id)) found += idf;
    }
    return total === 0 ? 0 : found / total;
  }
}

/** Each pair of adjacent words (stop words included) written as one: "set up" -> "setup". */
export function adjacentCompounds(text: string): Array<{ compound: string; words: readonly [string, string] }> {
  const words = text.match(/\p{L}+/gu) ?? [];
  const pairs: Array<{ compound: string; words: readonly [string, string] }> = [];
  for (let i = 1; i < words.length; i++) {
    // Not after an article: "the rapist" is no "therapist", "a side" no "aside".
    if (/^(a|an|the)$/i.test(words[i - 1]!)) continue;
    const compound = `${words[i - 1]}${words[i]}`.toLowerCase();
    if (compound.length >= 5) pairs.push({ compound, words: [words[i - 1]!, words[i]!] });
  }
  return pairs;
}

/** Posting lists are built in id order, so membership is a binary search. */
function containsSorted(ids: readonly number[], id: number): boolean {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = ids[mid]!;
    if (value === id) return true;
    if (value < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** One query's BM25 scores: lookup by id, and the best k without sorting every match. */
export class LexicalScores {
  constructor(
    private readonly acc: Float64Array,
    private readonly touched: readonly number[],
  ) {}

  get size(): number {
    return this.touched.length;
  }

  score(id: number): number {
    return this.acc[id] ?? 0;
  }

  /** Best first, ties by id. A bounded selection keeps this O(n log k) for small k. */
  top(k: number): ScoredId[] {
    const better = (a: ScoredId, b: ScoredId) => a.score > b.score || (a.score === b.score && a.id < b.id);
    if (k >= this.touched.length) {
      return this.touched.map((id) => ({ id, score: this.acc[id]! })).sort((x, y) => (better(x, y) ? -1 : 1));
    }
    // Min-heap of the best k so far: the root is the weakest kept hit.
    const heap: ScoredId[] = [];
    const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
    for (const id of this.touched) {
      const hit = { id, score: this.acc[id]! };
      if (heap.length < k) {
        heap.push(hit);
        for (let i = heap.length - 1; i > 0; ) {
          const parent = (i - 1) >> 1;
          if (!better(heap[parent]!, heap[i]!)) break;
          swap(i, parent);
          i = parent;
        }
      } else if (k > 0 && better(hit, heap[0]!)) {
        heap[0] = hit;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let weakest = i;
          if (l < heap.length && better(heap[weakest]!, heap[l]!)) weakest = l;
          if (r < heap.length && better(heap[weakest]!, heap[r]!)) weakest = r;
          if (weakest === i) break;
          swap(i, weakest);
          i = weakest;
        }
      }
    }
    return heap.sort((x, y) => (better(x, y) ? -1 : 1));
  }
}
