import { STOP_WORDS } from "../../language/english.js";
import porter2 from "wink-porter2-stemmer";
import { baseForm } from "./inflections.js";
import { americanSpelling } from "./spelling.js";
import { unclipped } from "./clippings.js";

/**
 * Lexical normalisation shared by indexing and querying. Pure.
 * Initialisms ("U.S.", "U.K.") stay one token and are never stop words, so "U.S." is not lost as
 * the pronoun "us"; other words are lower-cased, stop words dropped, British spellings made American
 * ("licences" -> "licenses"), clipped words read in full ("repo" -> "repository"), irregular forms read as their base ("fell" -> "fall") and stemmed so that "tariffs"/"tariff" and "negotiations"/"negotiators" meet.
 *
 * The stemmer is Snowball English ("Porter2"), not the original Porter (1980) algorithm: Porter
 * keeps "died" ("di") from "die", "tied" from "tie" and "cried" ("cri") from "cry", and merges
 * "news" with "new" and "generous" with "general". On XQuAD-R that took BM25 alone from R@1 0.782
 * to 0.786 ("What year did Tesla die?" now meets "Tesla died on 7 January 1943.").
 */
const TOKEN = /(?:\p{L}\.){2,}|\p{N}+(?:[.,]\p{N}+)*|\p{L}[\p{L}\p{N}]*(?:['’]\p{L}+)*/gu;

/** The index term for one matched word, or "" when it is dropped (stop word, empty). */
function termOf(raw: string): string {
  if (raw.includes(".") && /\p{L}/u.test(raw)) return raw.replace(/\./g, "").toLowerCase();
  let word = withoutLatinAccents(raw.toLowerCase()).replace(/’/g, "'");
  if (STOP_WORDS.has(word)) return "";
  word = unclipped(baseForm(americanSpelling(word.replace(/'s$/, "").replace(/'/g, ""))));
  if (word.length === 0) return "";
  return /^\p{N}/u.test(word) ? word.replace(/,/g, "") : porter2(word);
}

/**
 * "Zürich", "résumé", "São Paulo" as people type them in chat: "Zurich", "resume", "Sao Paulo". Only
 * accents on Latin letters go; in other scripts the marks are part of the letter (Hindi's vowel signs).
 */
function withoutLatinAccents(word: string): string {
  // Most words are plain ASCII; they skip the two normalisations.
  if (!/[^\p{ASCII}]/u.test(word)) return word;
  return word
    .normalize("NFD")
    .replace(/(\p{Script=Latin})\p{Mn}+/gu, "$1")
    .normalize("NFC");
}

/**
 * Words repeat (Zipf), and stemming dominated building BM25 over a large corpus, so terms are
 * memoised by surface form. Bounded: cleared when full, so hostile input cannot grow it forever.
 */
const TERM_CACHE_LIMIT = 200_000;
const termCache = new Map<string, string>();

/** Calls `visit` with each word (as written) and its index term, skipping dropped words. */
export function forEachTerm(text: string, visit: (raw: string, term: string) => void): void {
  const normalized = text.normalize("NFKC");
  // In mixed case, capitals are an acronym: "US" and "IT" are not the stop words "us" and "it",
  // and "SLAs" is the plural of "SLA". Shouted text ("WHAT IS IT") is read as ordinary words, and so
  // is a word in capitals for emphasis ("do NOT deploy", "IMPORTANT").
  const mixedCase = /\p{Ll}/u.test(normalized);
  for (const match of normalized.matchAll(TOKEN)) {
    const raw = match[0];
    if (mixedCase && ACRONYM.test(raw)) {
      const term = acronymTerm(raw);
      if (term) visit(raw, term);
      continue;
    }
    let term = termCache.get(raw);
    if (term === undefined) {
      term = termOf(raw);
      if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
      termCache.set(raw, term);
    }
    if (term) visit(raw, term);
  }
}

/** Two or more capitals, perhaps a plural "s": "IT", "PTO", "SLAs". */
const ACRONYM = /^\p{Lu}{2,}s?$/u;

/**
 * The index term of an acronym: a two-letter stop word in capitals is the acronym ("US", "IT" ->
 * "it"), a plural "s" is dropped ("SLAs" -> "sla"); otherwise the ordinary term, so a word in
 * capitals for emphasis ("IMPORTANT", "do NOT") reads as the word. Other words get their ordinary term.
 */
export function acronymTerm(word: string): string {
  if (!ACRONYM.test(word)) return termOf(word);
  const singular = word.replace(/s$/u, "");
  const lower = singular.toLowerCase();
  return lower.length === 2 && STOP_WORDS.has(lower) ? lower : termOf(singular);
}

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  forEachTerm(text, (_raw, term) => tokens.push(term));
  return tokens;
}
