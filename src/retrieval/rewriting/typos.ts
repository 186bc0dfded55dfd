/**
 * Misspelt question words ("delgation", "tarrifs") matched to words of the corpus. Pure.
 *
 * Questions typed into Slack have typos; BM25 and the key-term coverage behind the "not found" rule
 * only see exact terms, so one misspelt key word could turn an answerable question into "not found".
 * A question word that neither the corpus nor everyday English has (SUBTLEX-US, see
 * specificity.ts) is read as the corpus word one edit away (an insertion,
 * deletion, substitution or swap of neighbours), the most common one if several are. Only words of
 * 5 letters or more, and only ones with the same first letter: short words and first letters are
 * where one edit most often makes a different real word, and a lookup then compares only words
 * sharing the first letter and of about the same length.
 */
export const MIN_CORRECTED_LENGTH = 5;

/** True when `a` becomes `b` by one insertion, deletion, substitution or swap of adjacent letters. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    // Substitution at i, or a swap of i and i + 1.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(i + 1) === shorter.slice(i);
}

const LETTERS = /^\p{L}+$/u;

/** The corpus's words, grouped for lookups by first letter and length. */
export class SpellingIndex {
  private readonly byShape = new Map<string, string[]>();

  /** `words`: each corpus word (lower-cased) with its index term; `frequency`: how many sentences hold a term. */
  constructor(
    private readonly words: ReadonlyMap<string, string>,
    private readonly frequency: (term: string) => number,
  ) {
    for (const word of words.keys()) {
      const key = shape(word[0]!, word.length);
      const group = this.byShape.get(key);
      if (group) group.push(word);
      else this.byShape.set(key, [word]);
    }
  }

  /** Whether `word` is worth keeping for corrections (long enough, letters only). */
  static correctable(word: string): boolean {
    return word.length >= MIN_CORRECTED_LENGTH && LETTERS.test(word);
  }

  /** The index term of the corpus word one edit from `word` (lower-cased), or undefined. */
  correct(word: string): string | undefined {
    if (!SpellingIndex.correctable(word) || this.words.has(word)) return undefined;
    let best: string | undefined;
    let bestFrequency = 0;
    for (let length = word.length - 1; length <= word.length + 1; length++) {
      for (const candidate of this.byShape.get(shape(word[0]!, length)) ?? []) {
        if (!withinOneEdit(word, candidate)) continue;
        const frequency = this.frequency(this.words.get(candidate)!);
        if (frequency > bestFrequency || (frequency === bestFrequency && best !== undefined && candidate < best))
          [best, bestFrequency] = [candidate, frequency];
      }
    }
    return best === undefined ? undefined : this.words.get(best);
  }
}

function shape(first: string, length: number): string {
  return `${first}${length}`;
}
