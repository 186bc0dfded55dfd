/**
 * British "-ise"/"-yse" spellings derived from an American word list: every "-ize"/"-yze" form in it
 * ("naturalized", "scrutinizing", "organization") gives its British twin ("naturalised",
 * "scrutinising", "organisation"). Pure.
 *
 * Why derived: the hand-written roots in spelling.ts cover the common verbs, but British documents
 * use hundreds more. Starting from the American form keeps words that only look alike safe:
 * "promise", "precise" and "advise" have no "promize" to come from.
 */

const FAMILY = /([iy])z(e|es|ed|ing|ation|ations|er|ers|able)$/;
/** British words of their own that an American form would claim: "prised" (forced open) is not "prized". */
const OTHER_WORDS = new Set(["prised", "prises", "prising"]);

/**
 * `{ british: american }` for each word of `words` (an American English list, with `count(word)` its
 * frequency) that occurs at least `minCount` times and ends in an "-ize" or "-yze" form.
 */
export function britishSpellings(
  words: readonly string[],
  count: (word: string) => number,
  minCount: number,
): Record<string, string> {
  const spellings: Record<string, string> = {};
  for (const american of words) {
    if (!/^[a-z]+$/.test(american) || count(american) < minCount) continue;
    const match = FAMILY.exec(american);
    if (!match) continue;
    const british = `${american.slice(0, match.index)}${match[1]}s${match[2]}`;
    // "analyses" and "paralyses" are first of all the plurals of "analysis" and "paralysis".
    if (british.length < 6 || /yses$/.test(british) || OTHER_WORDS.has(british)) continue;
    spellings[british] = american;
  }
  return spellings;
}
