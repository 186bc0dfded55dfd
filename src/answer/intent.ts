/**
 * What a question asks for, read before anything is retrieved: the first step of
 * classify -> handle -> render. Pure: the question (normalised) and the conversation's topic in, an
 * intent out. `src/answer/service.ts` hands each kind to its handler in `src/answer/handlers/`, in
 * one `switch` that the type checker proves exhaustive. Some intents may find nothing in the
 * documents (a summary of a subject nothing is about, an acronym the corpus never defines); those
 * carry what to do `otherwise`.
 */
import { acronymAskedAbout } from "./definition.js";
import { asksForMore, asksForOthers, contrastedSubject, hasSearchTerms, retrievalText } from "./follow-up.js";
import { smallTalk, type SmallTalk } from "./small-talk.js";
import { summaryRequest, type SummaryRequest } from "./summary.js";

/** What to search for when the question is an ordinary one: its text, read with the topic when it leans on it. */
export type SearchIntent =
  /** Read on its own; with a topic, one that finds nothing is tried again with it (handlers/question.ts). */
  | { readonly kind: "question"; readonly text: string; readonly topic: string | undefined }
  /** "What is his role?": read together with the topic. */
  | { readonly kind: "follow-up"; readonly text: string; readonly topic: string }
  /** "And the US side?": read with the topic, leaving out what was quoted about it. */
  | { readonly kind: "contrast"; readonly subject: string; readonly topic: string }
  /** Only words like "who" and "is": nothing to search for. */
  | { readonly kind: "no-search-terms" };

export type Intent =
  | SearchIntent
  /** "Summarize the article", "tl;dr", "Summarize the tariff changes". */
  | { readonly kind: "summary"; readonly request: SummaryRequest; readonly otherwise: Intent }
  /** "What is PTO?": the sentences that spell it out, when the corpus does. */
  | { readonly kind: "definition"; readonly acronym: string; readonly otherwise: Intent }
  /** "Tell me more" about the topic. */
  | { readonly kind: "more"; readonly topic: string }
  /** "What else?" about the topic. */
  | { readonly kind: "others"; readonly topic: string }
  /** "Tell me more" or "What else?" with no earlier question to go on. */
  | { readonly kind: "no-earlier-question" }
  /** "help", "hi", "thanks", "👍": answered in kind, nothing searched. */
  | { readonly kind: "small-talk"; readonly talk: SmallTalk };

/** The intent of a normalised question in a conversation whose topic (the last self-contained question) is `topic`. */
export function classify(question: string, topic: string | undefined): Intent {
  const talk = smallTalk(question);
  if (talk !== undefined) return { kind: "small-talk", talk };
  const request = summaryRequest(question);
  const rest = classifyAfterSummary(question, topic);
  // "What is this about?" opens a conversation as a summary request; in a thread it asks about the answer before.
  if (request && !(request.onlyWithoutTopic && topic !== undefined))
    return { kind: "summary", request, otherwise: rest };
  return rest;
}

function classifyAfterSummary(question: string, topic: string | undefined): Intent {
  const acronym = acronymAskedAbout(question);
  const rest = classifySearch(question, topic);
  return acronym === undefined ? rest : { kind: "definition", acronym, otherwise: rest };
}

function classifySearch(question: string, topic: string | undefined): Intent {
  const { text, followUpTo } = retrievalText(question, topic);
  if (asksForMore(question) || asksForOthers(question)) {
    // Searching the sources for the words "tell me more" would only find something unrelated.
    if (followUpTo === undefined) return { kind: "no-earlier-question" };
    return asksForMore(question) ? { kind: "more", topic: followUpTo } : { kind: "others", topic: followUpTo };
  }
  if (followUpTo === undefined) {
    // Without a word of its own or a topic to lean on, a search would only list unrelated passages.
    // (A message of symbols only, "???" or "👍", is small talk: classify reads that first.)
    if (!hasSearchTerms(question)) return { kind: "no-search-terms" };
    return { kind: "question", text, topic };
  }
  const subject = contrastedSubject(question);
  return subject === undefined
    ? { kind: "follow-up", text, topic: followUpTo }
    : { kind: "contrast", subject, topic: followUpTo };
}
