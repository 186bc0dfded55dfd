/**
 * Irregular English inflections read as their base form, so that "When did the war begin?" meets
 * "The war began in 1914" and "How much did exports fall?" meets "exports fell by 33.57%". The
 * stemmer only strips regular suffixes, and questions ask with "did" + base form while the text
 * answers in the past tense, so these are the forms a question and its answer most often disagree on.
 * Pure.
 *
 * Left out on purpose: forms that are just as often another word ("found" as in "founded", "left"
 * as a direction, "ground", "bound", "saw", "bit", "lay", "shot", "born", "wound", "rose", "lit",
 * "felt", "spoke", "better"), and forms of stop words ("did", "been", "done").
 */
const VERBS =
  // base: past and participle forms (only the irregular ones)
  "arise arose arisen|awake awoke awoken|bear bore borne|beat beaten|become became|begin began begun|bend bent|" +
  "bleed bled|blow blew blown|break broke broken|breed bred|bring brought|build built|burn burnt|" +
  "buy bought|catch caught|choose chose chosen|cling clung|come came|creep crept|deal dealt|dig dug|" +
  "draw drew drawn|dream dreamt|drink drank drunk|drive drove driven|eat ate eaten|fall fell fallen|feed fed|" +
  "fight fought|flee fled|fly flew flown|forbid forbade forbidden|forget forgot forgotten|forgive forgave forgiven|" +
  "freeze froze frozen|get got gotten|give gave given|go went gone|grow grew grown|hang hung|hide hid hidden|" +
  "hold held|keep kept|know knew known|lead led|lend lent|learn learnt|lose lost|make made|mean meant|meet met|" +
  "mistake mistook mistaken|overcome overcame|overtake overtook overtaken|pay paid|ride rode ridden|ring rang rung|" +
  "rise risen|run ran|say said|see seen|seek sought|sell sold|send sent|shake shook shaken|shine shone|" +
  "show shown|shrink shrank shrunk|sing sang sung|sink sank sunk|sit sat|sleep slept|slide slid|speak spoken|" +
  "spend spent|spin spun|spring sprang sprung|stand stood|steal stole stolen|stick stuck|sting stung|" +
  "strike struck stricken|strive strove striven|swear swore sworn|sweep swept|swim swam swum|swing swung|" +
  "take took taken|teach taught|tear tore torn|tell told|think thought|throw threw thrown|undergo underwent undergone|" +
  "understand understood|undertake undertook undertaken|uphold upheld|wake woke woken|wear wore worn|weep wept|" +
  "win won|withdraw withdrew withdrawn|withhold withheld|withstand withstood|write wrote written|" +
  "foresee foresaw foreseen|foretell foretold|outgrow outgrew outgrown|rebuild rebuilt|redraw redrew redrawn|" +
  "retake retook retaken|rewrite rewrote rewritten|overthrow overthrew overthrown|oversee oversaw overseen";

const NOUNS = "man men|woman women|child children|foot feet|tooth teeth|mouse mice|goose geese|wife wives|knife knives|wolf wolves|half halves|" +
  "chairman chairmen|businessman businessmen|spokesman spokesmen|fisherman fishermen|congressman congressmen";

function build(): Map<string, string> {
  const map = new Map<string, string>();
  for (const group of `${VERBS}|${NOUNS}`.split("|")) {
    const [base, ...forms] = group.split(" ");
    for (const form of forms) map.set(form, base!);
  }
  return map;
}

const BASE_FORMS = build();

/** The base form of an irregular inflection ("fell" -> "fall", "children" -> "child"), else the word. */
export function baseForm(word: string): string {
  return BASE_FORMS.get(word) ?? word;
}
