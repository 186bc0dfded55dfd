/**
 * The English word lists CiteBot's rules share, in one place, each named for what it is used for.
 * Language-specific: a team's documents in another language are still matched by the dense model
 * and exact words, but these rules read English only (README, Limits).
 */

/** Third-person pronouns, subject, object and possessive: they point back to something named before. */
export const THIRD_PERSON_PRONOUNS = [
  "he",
  "she",
  "him",
  "his",
  "her",
  "hers",
  "it",
  "its",
  "they",
  "them",
  "their",
  "theirs",
] as const;

export const DEMONSTRATIVES = ["this", "that", "these", "those"] as const;

/**
 * Words that, opening a sentence, point back to the one before it ("He is also...", "These
 * materials..."): the pronouns a sentence can open with, and the demonstratives.
 */
export const BACK_REFERENCE_OPENERS = [
  "he",
  "she",
  "it",
  "they",
  "his",
  "her",
  "its",
  "their",
  ...DEMONSTRATIVES,
] as const;

/** `\b(a|b|c)\b`-style alternation of whole words, for building regular expressions from these lists. */
export function alternation(words: readonly string[]): string {
  return words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}

/** Words the index leaves out: they carry no content of their own (the classic English stop list, and a few more). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again against all am an and any are aren't as at be because been before being below " +
    "between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each " +
    "few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers " +
    "herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more " +
    "most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own same " +
    "shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them " +
    "themselves then there there's these they they'd they'll they're they've this those through to too under " +
    "until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which " +
    "while who who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours yourself " +
    "yourselves us also did does many much whose whats"
  ).split(" "),
);

/**
 * Words that start sentences far more often than they follow an abbreviation inside one. Used only
 * to decide whether an initialism ("U.S.") or company suffix ("Inc.") ends its sentence.
 */
export const SENTENCE_OPENERS: ReadonlySet<string> = new Set(
  (
    "a an the this that these those it its there here he she they we i you his her their our my your " +
    "but and or so yet still instead however meanwhile moreover furthermore nevertheless nonetheless conversely " +
    "also then thus hence therefore otherwise indeed in on at by for from with without after before during since " +
    "until when while where if as although though because despite some many most all both each every several " +
    "few no none one two three such what which who whom whose why how today yesterday tomorrow now later " +
    "earlier last next first finally overall similarly likewise accordingly still according under over " +
    "about among between into through across against within"
  ).split(" "),
);

/** Word pieces that carry no content of their own in soft piece matching; the list its measurement used. */
export const STOP_PIECES: ReadonlySet<string> = new Set(
  "a an the of in on at to for by with from and or is are was were be been what which who whom whose when where why how did does do many much that this it its as into than then there their they he she his her".split(
    " ",
  ),
);
