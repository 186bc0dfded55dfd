import { acronymTerm, tokenize } from "../terms/tokenize.js";

/**
 * Acronyms the corpus defines, so that a question can use either form: "How do I request paid time
 * off?" meets "PTO requests go through Workday." once a document says "paid time off (PTO)", and
 * "Who signs off the SLA?" meets "the service level agreement". Pure.
 *
 * A definition is an acronym in parentheses after the words it abbreviates ("single sign-on (SSO)",
 * "Department of Justice (DOJ)"), or the words in parentheses after the acronym ("SSO (single
 * sign-on)"). The words must spell the acronym by their first letters, in order; small words ("of",
 * "and", "for", "the", "to", "in", "on", "&") may be skipped or spelled ("FBI", "DOJ"). This is the core of Schwartz and Hearst's
 * (2003) rule, kept strict: an acronym the corpus never spells out is left alone, so no guess ties
 * "PR" to "public relations" in a corpus about pull requests.
 */
export interface AcronymDefinition {
  /** The acronym's index term ("pto"). */
  readonly acronym: string;
  /** The index terms of the words it abbreviates, stop words dropped (["paid", "time"]). */
  readonly expansion: readonly string[];
  /** Positions in the input of the first few texts that spell it out (a question asks "What is PTO?"). */
  readonly definedIn: readonly number[];
}

const MAX_ACRONYM_LETTERS = 8;
/** Hostile or huge corpora cannot grow the table without bound. */
const MAX_DEFINITIONS = 10_000;
/** Definitions kept per acronym ("PR": pull request, public relations) and per first word. */
const MAX_MEANINGS = 8;
const CONNECTORS = new Set(["of", "and", "for", "the", "&", "to", "in", "on"]);
/** An acronym: a capital, then letters, at least two capitals in all ("SSO", "PhD", "SLAs"). */
const ACRONYM = /^\p{Lu}[\p{L}]{1,9}$/u;
/** Longest text in parentheses read as a definition's words. */
const MAX_INSIDE = 80;

export function acronymDefinitions(texts: Iterable<string>): AcronymDefinition[] {
  const found = new Map<string, { acronym: string; expansion: readonly string[]; definedIn: number[] }>();
  let position = -1;
  for (const text of texts) {
    position++;
    // An updated index passes sparse arrays: a removed sentence is a hole.
    if (typeof text !== "string") continue;
    // One pass: the next ")" is searched for again only once passed, so "((((...)" stays linear.
    let close = -1;
    for (let open = text.indexOf("("); open >= 0; open = text.indexOf("(", open + 1)) {
      if (close <= open) close = text.indexOf(")", open + 1);
      if (close < 0) break;
      if (close - open - 1 > MAX_INSIDE) continue;
      const inner = text.slice(open + 1, close);
      if (inner.includes("(") || inner.includes("\n")) continue;
      const trimmed = inner.trim();
      const definition = isAcronym(trimmed)
        ? definedBefore(trimmed, text.slice(Math.max(0, open - 120), open))
        : trimmed.includes(" ")
          ? definedInside(trimmed, wordBefore(text, open))
          : undefined;
      if (!definition) continue;
      const key = `${definition.acronym} ${definition.expansion.join(" ")}`;
      const known = found.get(key);
      if (!known) found.set(key, { ...definition, definedIn: [position] });
      else if (known.definedIn.length < MAX_MEANINGS && known.definedIn.at(-1) !== position)
        known.definedIn.push(position);
      if (found.size >= MAX_DEFINITIONS) return [...found.values()];
    }
  }
  return [...found.values()];
}

/** The word that ends just before `end`, spaces skipped ("SSO (single sign-on)" -> "SSO"). */
function wordBefore(text: string, end: number): string | undefined {
  let stop = end;
  while (stop > 0 && /\s/u.test(text[stop - 1]!)) stop--;
  let start = stop;
  while (start > 0 && stop - start <= MAX_ACRONYM_LETTERS + 1 && /\p{L}/u.test(text[start - 1]!)) start--;
  // A longer word is no acronym.
  if (start > 0 && /\p{L}/u.test(text[start - 1]!)) return undefined;
  return start < stop ? text.slice(start, stop) : undefined;
}

/** An acronym as written: 2-8 letters, at least two of them capitals ("SSO", "PhD", "SLAs"). */
export function isAcronym(word: string): boolean {
  const singular = word.replace(/s$/u, "");
  return ACRONYM.test(word) && (singular.match(/\p{Lu}/gu)?.length ?? 0) >= 2 && singular.length <= MAX_ACRONYM_LETTERS;
}

/** "paid time off (PTO)": the words just before the parenthesis spell the acronym. */
function definedBefore(acronym: string, before: string): Omit<AcronymDefinition, "definedIn"> | undefined {
  const words = wordsOf(before);
  const letters = lettersOf(acronym);
  let letter = letters.length - 1;
  let start = words.length;
  while (letter >= 0 && start > 0) {
    const word = words[start - 1]!;
    if (word[0]!.toLowerCase() === letters[letter]) letter--;
    else if (!CONNECTORS.has(word.toLowerCase())) return undefined;
    start--;
  }
  return letter < 0 ? definition(acronym, words.slice(start)) : undefined;
}

/** "SSO (single sign-on)": the words in the parenthesis spell the acronym just before it. */
function definedInside(inner: string, acronym: string | undefined): Omit<AcronymDefinition, "definedIn"> | undefined {
  if (!acronym || !isAcronym(acronym)) return undefined;
  const words = wordsOf(inner);
  const letters = lettersOf(acronym);
  let letter = 0;
  for (const word of words) {
    if (letter < letters.length && word[0]!.toLowerCase() === letters[letter]) letter++;
    else if (!CONNECTORS.has(word.toLowerCase())) return undefined;
  }
  return letter === letters.length ? definition(acronym, words) : undefined;
}

function definition(acronym: string, words: readonly string[]): Omit<AcronymDefinition, "definedIn"> | undefined {
  const expansion = tokenize(words.join(" "));
  const term = acronymTerm(acronym);
  // One word ("Kubernetes (K)") or a phrase made only of stop words defines nothing useful.
  return expansion.length >= 2 && term ? { acronym: term, expansion } : undefined;
}

/** The acronym's letters, lower-case, without a plural "s" ("SLAs" -> "sla"). */
function lettersOf(acronym: string): string {
  return acronym.replace(/(?<=\p{Lu})s$/u, "").toLowerCase();
}

function wordsOf(text: string): string[] {
  return text.split(/[\s\-–/]+/u).filter((word) => /^[\p{L}&]/u.test(word));
}

/**
 * The terms a sentence also holds through the corpus's acronyms: a sentence with "PTO" also holds
 * "paid time", and one with "paid time off" also holds "pto". Built once per index.
 */
export class AcronymAliases {
  private readonly byAcronym = new Map<string, AcronymDefinition[]>();
  private readonly byFirstWord = new Map<string, AcronymDefinition[]>();

  constructor(definitions: readonly AcronymDefinition[]) {
    for (const definition of definitions) {
      // Bounded, so that a corpus of crafted definitions cannot make every sentence check thousands.
      if ((this.byAcronym.get(definition.acronym)?.length ?? 0) >= MAX_MEANINGS) continue;
      if ((this.byFirstWord.get(definition.expansion[0]!)?.length ?? 0) >= MAX_MEANINGS) continue;
      push(this.byAcronym, definition.acronym, definition);
      push(this.byFirstWord, definition.expansion[0]!, definition);
    }
  }

  get size(): number {
    return this.byAcronym.size;
  }

  /** Positions of the texts that spell out an acronym (its index term), each meaning's first ones. */
  definedIn(acronym: string): number[] {
    return [...new Set((this.byAcronym.get(acronym) ?? NONE).flatMap((definition) => definition.definedIn))].sort(
      (a, b) => a - b,
    );
  }

  /** Terms to index with a sentence of these tokens, besides its own; none it already has. */
  extraTerms(tokens: readonly string[]): string[] {
    if (this.byAcronym.size === 0) return [];
    // Most sentences hold neither form: nothing is allocated for them (100k sentences are indexed at start-up).
    let extra: Set<string> | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      for (const definition of this.byAcronym.get(token) ?? NONE)
        for (const term of definition.expansion) (extra ??= new Set()).add(term);
      for (const definition of this.byFirstWord.get(token) ?? NONE) {
        if (definition.expansion.every((term, k) => tokens[i + k] === term))
          (extra ??= new Set()).add(definition.acronym);
      }
    }
    if (!extra) return [];
    const own = new Set(tokens);
    return [...extra].filter((term) => !own.has(term));
  }
}

const NONE: readonly AcronymDefinition[] = [];

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
