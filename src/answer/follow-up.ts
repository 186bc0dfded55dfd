import { alternation, THIRD_PERSON_PRONOUNS } from "../language/english.js";
import { createHash } from "node:crypto";
import { tokenize } from "../retrieval/terms/tokenize.js";
import { summaryRequest } from "./summary.js";
import { smallTalk } from "./small-talk.js";

/**
 * Follow-up questions in a conversation (a Slack thread, a DM, the terminal chat). Pure.
 *
 * "What is his role?" after "Who heads China's delegation?" names nothing to retrieve by; on its
 * own it is refused or answered from the wrong sentence. A question that reads as a follow-up is
 * retrieved together with the conversation's topic: the last question that stood on its own.
 * A question that names what it asks about starts a new topic and is answered alone, so changing
 * the subject in a thread is not dragged back to the old one.
 *
 * Why rules and not a model: no offline model here rewrites questions, and the rules are cheap and
 * predictable. On the follow-up sets in eval-data (`npm run eval`), reading follow-ups with their
 * topic beats both answering every question alone and always adding the previous question.
 */

/** "And ...", "But ...", "What about ...": the question continues the one before. */
const CONTINUATION = /^(and|but|also|plus|so|then|what about|how about|what else)\b/i;

/**
 * "And the US side?", "What about China?": the question before, asked again about something else.
 * Only a bare phrase after the connective: "And who controls them?" is a question of its own.
 */
const CONTRAST =
  /^(?:and|but|what about|how about|what of)\s+(?!(?:who|whom|whose|what|when|where|why|how|which|is|are|was|were|do|does|did|can|could|will|would|shall|should|has|have|had|may|might|must)\b)(.+)$/i;

/**
 * What a contrasting follow-up asks about instead ("the US side" in "And the US side?"), or
 * undefined when the question is not one. The sentences already quoted on the topic answered the
 * question before; one that lacks the new words cannot answer this one (handlers/contrast.ts drops it).
 */
export function contrastedSubject(question: string): string | undefined {
  // "one" stands for the noun just said ("And the Chinese one?"): no word a sentence must hold.
  const subject = CONTRAST.exec(question.trim().replace(/[?!.\s]+$/u, ""))?.[1]?.replace(/\s+ones?$/iu, "");
  return subject !== undefined && hasSearchTerms(subject) ? subject : undefined;
}

/**
 * What to retrieve a contrasting follow-up with. When its subject names something ("What about
 * China?" after "Who represents the United States?"), the new name stands in for the topic's names:
 * "China Who represents the". Read with them, the topic's names pull the answer back to the sentence
 * about the old subject, or to one that mentions both. Otherwise the follow-up is read with its topic as usual.
 */
export function contrastRetrievalText(question: string, subject: string, topic: string): string {
  const isName = (word: string) => /^\p{Lu}/u.test(word) && word !== "I";
  if (!subject.split(/\s+/u).some(isName)) return withTopic(question, topic);
  const [first = "", ...rest] = topic.trim().split(/\s+/u);
  return [subject, first, ...rest.filter((word) => !isName(word))].join(" ");
}

/** "Tell me more", "elaborate", "more context": the asker wants the passage around the answer before. */
const MORE =
  /^(?:(?:can|could|would) you\s+)?(?:please\s+)?(?:tell me more|say more|more|more details?|more info(?:rmation)?|more context|go on|keep going|continue|elaborate|expand)(?:\s+(?:on|about)\s+(?:that|this|it))?(?:\s+please)?$/i;

/** Whether the question asks for more of the answer before it ("Tell me more", "Elaborate please"). */
export function asksForMore(question: string): boolean {
  return MORE.test(question.trim().replace(/[?!.\s]+$/u, ""));
}

/** "What else?", "Anything else?": the asker wants what the answer before left out. */
const OTHERS =
  /^(?:and\s+)?(?:(?:what|who|which|where|when|how)\s+else|(?:is there\s+|are there\s+)?(?:anything|something|any(?:thing)? more)\s+else|anything\s+else(?:\s+(?:on|about)\s+(?:that|this|it))?)$/i;

/** Whether the question asks for what the answer before left out ("What else?", "Anything else?"). */
export function asksForOthers(question: string): boolean {
  return OTHERS.test(question.trim().replace(/[?!.\s]+$/u, ""));
}

/** A bare question word ("Why?", "How much?", "Who else?") asks about whatever came before. */
const BARE_QUESTION =
  /^(and\s+)?(why|when|where|who|what|which|how(\s+(much|many|long|often|so))?)(\s+(else|exactly|not|so|then|now))?$/i;

/**
 * Pronouns that point back to something named earlier. Only near the start of the question: later
 * on, their antecedent is usually in the question itself ("How many nations contain X in their
 * names?").
 */
const PRONOUN = new RegExp(`^(${alternation(THIRD_PERSON_PRONOUNS)})$`, "i");
const PRONOUN_WITHIN_WORDS = 4;

/**
 * "it" as a placeholder for a clause later in the question, not for anything said before: "What
 * is it called when...", "How long does it take for...", "What does it mean for a knot to...".
 */
const PLACEHOLDER_IT =
  /\bit\s+(\w+\s+)?(take|takes|took|called|mean|means|meant|determined|decided|true|possible|important|necessary|likely|known|said|believed|thought|estimated|considered|hard|easy|difficult)\b.*\b(for|to|when|that|how|if|whether)\b/i;

/** "the Chinese ones", "which one": a noun left out because it was just said. */
const ELIDED_NOUN = /\bones\b|\b(which|the|that|this) one$/i;

/**
 * "that", "this", "there" point back only in some places: at the end ("Who benefits from that?",
 * "What was discussed there?") or right after a verb or preposition ("What does that mean?").
 * Elsewhere they are usually a relative pronoun or an existential ("the minerals that matter",
 * "Is there a deadline?").
 */
const POINTING_WORD =
  /((?<!\b(is|are|was|were)\s+)\b(this|that|these|those|there)$)|(\b(is|was|are|were|does|did|do|will|would|can|could|from|about|of|after|before|with|for|by|on|in|to)\s+(this|that|these|those)\b)/i;

/**
 * Whether the question leans on an earlier one. A pronoun alone is not enough when the question
 * also names something (a capitalised word after the first, or a number): "What did China say it
 * won?" carries its own subject.
 */
export function readsAsFollowUp(question: string): boolean {
  const text = question.trim().replace(/[?!.\s]+$/u, "");
  if (text === "") return false;
  if (
    CONTINUATION.test(text) ||
    BARE_QUESTION.test(text) ||
    asksForMore(text) ||
    asksForOthers(text) ||
    !hasSearchTerms(text)
  )
    return true;
  const placeholderIt = PLACEHOLDER_IT.test(text);
  const pronounNearStart = text
    .split(/\s+/u)
    .slice(0, PRONOUN_WITHIN_WORDS)
    .map((word) => word.replace(/[^\p{L}]/gu, ""))
    .some((word) => PRONOUN.test(word) && !(placeholderIt && word.toLowerCase() === "it"));
  return (pronounNearStart || ELIDED_NOUN.test(text) || POINTING_WORD.test(text)) && !namesSomething(text);
}

/** Whether the question has a word to search for: "Who?", "What is it?" and "Why not?" have none. */
export function hasSearchTerms(question: string): boolean {
  return tokenize(question).length > 0;
}

function namesSomething(text: string): boolean {
  const words = text.split(/\s+/u).slice(1);
  return /\p{N}/u.test(text) || words.some((word) => /^\p{Lu}/u.test(word) && word !== "I");
}

/**
 * What to retrieve with: the follow-up read together with its topic, or the question alone. The
 * follow-up comes first because the encoder reads only the first 128 tokens: a long topic must not
 * push the follow-up's own words out.
 */
export function retrievalText(
  question: string,
  topic: string | undefined,
): { readonly text: string; readonly followUpTo?: string } {
  if (topic === undefined || topic === "" || !readsAsFollowUp(question)) return { text: question };
  return { text: withTopic(question, topic), followUpTo: topic };
}

/** A question read together with its conversation's topic (see `retrievalText` for the order). */
export function withTopic(question: string, topic: string): string {
  return `${question} ${topic}`;
}

/**
 * The conversation's topic after `question`: a question that stands on its own becomes the new one.
 * A request for a summary of the documents themselves ("tl;dr"), "tell me more", "what else?" and a
 * question without a word to search for ("Why?") and small talk ("thanks!") have no subject, so the
 * topic stays as it was.
 */
export function nextTopic(topic: string | undefined, question: string): string | undefined {
  const trimmed = question.trim();
  if (
    !hasSearchTerms(trimmed) ||
    smallTalk(trimmed) !== undefined ||
    summaryRequest(trimmed)?.subject === "" ||
    asksForMore(trimmed) ||
    asksForOthers(trimmed)
  )
    return topic;
  return topic !== undefined && readsAsFollowUp(trimmed) ? topic : trimmed;
}

/** A sentence the bot has quoted, as its file and text. */
export interface QuotedSentence {
  readonly source: string;
  readonly text: string;
}

/**
 * What a conversation remembers between questions: its topic, and the sentences quoted about that
 * topic so far (as `quotedKey`s), so that a second "tell me more" reads on instead of repeating the
 * first, and a second "what else?" gives what neither answer before it gave.
 */
export interface Conversation {
  readonly topic: string;
  readonly quoted: readonly string[];
}

/**
 * Enough for a dozen rounds of "tell me more"; bounded, with short keys, because the bot keeps a
 * state for each of up to 20,000 conversations (about 3 KB each at most).
 */
export const MAX_QUOTED = 50;

/**
 * The conversation after `question` was answered with `answer`: a new topic starts with what its
 * answer quoted; an answer read with the topic (a follow-up) adds what it quoted; anything else
 * (a summary of the documents) leaves the state as it was. Undefined while there is no topic.
 */
export function nextConversation(
  state: Conversation | undefined,
  question: string,
  answer: { readonly citations: readonly QuotedSentence[]; readonly followUpTo?: string | undefined },
): Conversation | undefined {
  const topic = nextTopic(state?.topic, question);
  if (topic === undefined) return state;
  const quoted = [...new Set(answer.citations.map(quotedKey))];
  if (topic !== state?.topic) return { topic, quoted: quoted.slice(-MAX_QUOTED) };
  if (answer.followUpTo === undefined) return state;
  const seen = new Set(state.quoted);
  return { topic, quoted: [...state.quoted, ...quoted.filter((key) => !seen.has(key))].slice(-MAX_QUOTED) };
}

/**
 * One short key per sentence: its file and a digest of its text (two sentences can share a line,
 * "... to the U.S. Instead, ...", so the line number would not do).
 */
export function quotedKey(sentence: QuotedSentence): string {
  return `${sentence.source}\n${createHash("sha256").update(sentence.text).digest("base64url").slice(0, 16)}`;
}
