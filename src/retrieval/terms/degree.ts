/**
 * Comparative and superlative adjectives read as their base ("largest"/"larger" -> "large",
 * "earliest" -> "early", "biggest" -> "big"), derived from a word list by spelling rules. Pure.
 *
 * The stemmer leaves "-est"/"-er" alone, so "Which city is largest?" missed "a large city". A word
 * counts as a degree form only when its base, comparative and superlative are all common words,
 * which keeps nouns in "-er" ("leader", "water") out: "leadest" and "watest" are not words.
 */

/** Look-alikes the rules would take for degree forms: verbs and nouns that happen to fit. */
const NOT_DEGREE_FORMS = new Set(
  "attest atter chest cher commoner detest deter divest diver earnest earner eldest elder flatter infer infest livest liver sayest sayer stranger tempest temper".split(
    " ",
  ),
);

const DOUBLED_FINAL = /([b-df-hj-km-np-rt-vz])\1$/; // "bigg" of "biggest"; not "ll"/"ss" ("fullest", "crossest")
const ENDS_CVC = /[^aeiou][aeiou][^aeiouwxy]$/;

/**
 * `{ form: base }` for each superlative in `words` (with `count(word)` its frequency) and its
 * comparative, when base, comparative and superlative all occur at least `minCount` times.
 */
export function degreeForms(
  words: readonly string[],
  count: (word: string) => number,
  minCount: number,
): Record<string, string> {
  const known = (word: string) => count(word) >= minCount;
  const forms: Record<string, string> = {};
  for (const superlative of words) {
    if (!/^[a-z]{3,}est$/.test(superlative) || NOT_DEGREE_FORMS.has(superlative) || !known(superlative)) continue;
    const stem = superlative.slice(0, -3);
    const comparative = `${stem}er`;
    if (!known(comparative)) continue;
    const base = baseOf(stem, known, count);
    if (base === undefined) continue;
    forms[superlative] = base;
    if (!NOT_DEGREE_FORMS.has(comparative)) forms[comparative] = base;
  }
  return forms;
}

/** The base of a superlative's stem ("larg" -> "large", "earli" -> "early", "bigg" -> "big"). */
function baseOf(stem: string, known: (word: string) => boolean, count: (word: string) => number): string | undefined {
  let candidates: string[];
  if (DOUBLED_FINAL.test(stem)) candidates = [stem.slice(0, -1)];
  else if (stem.endsWith("i")) candidates = [`${stem.slice(0, -1)}y`, stem];
  // A one-syllable base ending consonant-vowel-consonant would double it ("hot" -> "hottest"), so
  // "cutest" is "cute" and "latest" is "late"; otherwise the commoner of the two ("low", "dense").
  else if (ENDS_CVC.test(stem)) candidates = [`${stem}e`, stem];
  else candidates = [stem, `${stem}e`].sort((a, b) => count(b) - count(a));
  return candidates.find((c) => c.length >= 3 && known(c));
}
