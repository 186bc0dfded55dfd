import derived from "./british-spellings.json" with { type: "json" };

/**
 * British to American spelling, so that "licences" meets "licenses" and "organisation" meets
 * "organization" in lexical matching (the stemmer keeps them apart: "licenc" / "licens"). Pure.
 *
 * From explicit word roots rather than suffix rules: "-our" -> "-or" would turn "four" and "tour"
 * into non-words, and "-ise" -> "-ize" would break "promise" and "precise". The forms below are
 * rewritten, each with its common inflections, and so is every "-ise" twin of an American "-ize"
 * word (british-spellings.json, derived by british.ts) and any word in "-isation".
 */

/** "-our" roots: colour -> color, favourite -> favorite. */
const OUR =
  "colour flavour favour honour humour labour neighbour rumour savour vapour behaviour harbour armour endeavour rigour vigour valour odour parlour saviour splendour tumour";
/** "-ise" roots (also "-isation", "-iser"): organise -> organize. Never the bare root: "emphasis" is a noun in both. */
const ISE =
  "organis realis recognis apologis authoris capitalis categoris characteris civilis criticis emphasis finalis generalis globalis harmonis " +
  "industrialis legalis liberalis maximis minimis mobilis modernis monopolis nationalis normalis optimis popularis prioritis privatis " +
  "standardis stabilis subsidis summaris symbolis sympathis utilis visualis centralis computeris customis digitalis hospitalis localis " +
  "memoris neutralis specialis urbanis";
/** "-yse" roots: analyse -> analyze. */
const YSE = "analys paralys catalys";
/** "-ence" nouns: licence -> license. */
const ENCE = "licence defence offence pretence";
/** "-re" nouns: centre -> center. */
const RE = "centre metre litre theatre fibre calibre spectre sombre lustre meagre kilometre centimetre millimetre";
/** Doubled "l" before a suffix: travelled -> traveled. */
const DOUBLED_L = "travel cancel label model fuel counsel signal level channel funnel tunnel marvel quarrel total";
/** One-off words. */
const WORDS: ReadonlyArray<readonly [string, string]> = [
  ["programme", "program"],
  ["programmes", "programs"],
  ["grey", "gray"],
  ["aluminium", "aluminum"],
  ["mould", "mold"],
  ["sceptical", "skeptical"],
  ["manoeuvre", "maneuver"],
  ["ageing", "aging"],
  ["judgement", "judgment"],
  ["acknowledgement", "acknowledgment"],
  ["jewellery", "jewelry"],
  ["cheque", "check"],
  ["cheques", "checks"],
  ["enquiry", "inquiry"],
  ["enquiries", "inquiries"],
  ["paediatric", "pediatric"],
  ["oestrogen", "estrogen"],
  ["anaemia", "anemia"],
  ["haemoglobin", "hemoglobin"],
  ["encyclopaedia", "encyclopedia"],
];

function build(): Map<string, string> {
  const map = new Map<string, string>(WORDS);
  const add = (british: string, american: string) => map.set(british, american);
  for (const root of OUR.split(" ")) {
    const us = root.replace(/our$/, "or");
    for (const suffix of ["", "s", "ed", "ing", "ite", "ites", "able", "ably", "ful", "less", "er", "ers"])
      add(root + suffix, us + suffix);
  }
  for (const root of ISE.split(" ")) {
    const us = root.replace(/is$/, "iz");
    for (const suffix of ["e", "es", "ed", "ing", "er", "ers", "ation", "ations"]) add(root + suffix, us + suffix);
  }
  for (const root of YSE.split(" ")) {
    const us = root.replace(/ys$/, "yz");
    for (const suffix of ["e", "ed", "ing", "er", "ers"]) add(root + suffix, us + suffix);
  }
  for (const word of ENCE.split(" ")) {
    const us = word.replace(/ence$/, "ense");
    add(word, us);
    add(`${word}s`, `${us}s`);
  }
  for (const word of RE.split(" ")) {
    const us = word.replace(/re$/, "er");
    add(word, us);
    add(`${word}s`, `${us}s`);
  }
  for (const root of DOUBLED_L.split(" ")) {
    for (const suffix of ["ed", "ing", "er", "ers"]) add(`${root}l${suffix}`, root + suffix);
  }
  return map;
}

const BRITISH_TO_AMERICAN = build();
/** Every "-ise"/"-yse" twin of an American "-ize"/"-yze" word, by `npm run make:data` (british.ts). */
const DERIVED = new Map<string, string>(Object.entries(derived.spellings as Record<string, string>));

/** The American spelling of a lower-cased word, or the word itself. */
export function americanSpelling(word: string): string {
  const american = BRITISH_TO_AMERICAN.get(word) ?? DERIVED.get(word);
  if (american !== undefined) return american;
  // No English word ends in "-isation" but the British spelling of an "-ization" one, however rare
  // ("decentralisation"), so this suffix needs no list.
  return /[a-z]isations?$/.test(word) ? word.replace(/isation(s?)$/, "ization$1") : word;
}
