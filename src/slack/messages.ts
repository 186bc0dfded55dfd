/** Every text CiteBot shows to Slack users. Details of failures go to the log, never here. */
import { FOLLOW_UP_TEXT, LOW_CONFIDENCE_TEXT } from "../answer/wording.js";

/**
 * A question shown as `@CiteBot <question>`: one the documents answer plainly (see EXAMPLE_PROMPTS),
 * so the hint never shows a question about an article the team does not have.
 */
const asTyped = (example: string) => `${example.charAt(0).toLowerCase()}${example.slice(1)}`;
const mentionWith = (example: string) => `\`@CiteBot ${asTyped(example)}\``;
/** How to ask; `example` is a question the documents answer plainly, if there is one. */
export const USAGE_HINT = (example?: string) =>
  `Ask me a question about the documents${example ? `, e.g. ${mentionWith(example)}` : ": mention me with it (`@CiteBot` and your question)."} I answer with the sentences I found and cite each one. \`@CiteBot summarize\` gives a short summary. Reply in the thread to follow up; "tell me more" reads on.`;
/** The usage hint for `/ask` with no question (or "help"): the command, not a mention, is how to ask there. */
export const ASK_COMMAND_HINT = (example?: string) =>
  `Type \`/ask\` and your question${example ? `, e.g. \`/ask ${asTyped(example)}\`` : ""}. Only you see the answer, and you can share it in the channel. \`/ask summarize\` gives a short summary.`;
/** To "hi" and "hello": the usage hint, greeted. */
export const GREETING_REPLY = (example?: string, hint: (example?: string) => string = USAGE_HINT) =>
  `Hi! ${hint(example)}`;
/** To "thanks" where a reaction cannot be left (/ask, assistant threads). */
export const THANKS_REPLY = "You're welcome! Ask me anything else about the documents.";
/** To "thanks" in a channel, thread or DM: a reaction, not another message. */
export const THANKS_REACTION = "slightly_smiling_face";
export const ERROR_REPLY =
  "Sorry, something went wrong while answering. The problem has been logged; please try again in a moment.";
export const TOO_LONG_REPLY =
  "That question is too long for me (the limit is 2,000 characters). Could you ask a shorter one?";
export const RATE_LIMITED_REPLY =
  "You're asking faster than I can keep up. Please wait a minute before the next question.";
export const FEEDBACK_THANKS = "Thanks for the feedback!";
export const FEEDBACK_FAILED = "Sorry, I couldn't record that feedback. Please try again.";
export const SHARED_NOTE = "Shared from /ask";
export const SOURCES_HEADING = "*Sources*";
/** After the location of a source cited only because the answer refers back to it. */
export const CONTEXT_LABEL = "_context_";
/** The terminal's weak-match heading, in italics. */
export const LOW_CONFIDENCE_NOTE = `_${LOW_CONFIDENCE_TEXT}_`;
/** Above an answer to a follow-up: the earlier question it was read with (already escaped and shortened). */
export const FOLLOW_UP_NOTE = (escapedTopic: string) => FOLLOW_UP_TEXT(escapedTopic);
/** Starts the notification text of a weak-match answer. */
export const WEAK_MATCH_PREFIX = "Weak match: ";
export const RELATED_HEADING = "*Closest passages* (not an answer)";
export const TRUNCATED_NOTE = "_Answer shortened to fit in a Slack message._";
/**
 * Example questions about the shipped article, suggested in a new assistant thread and shown in the
 * usage hint only while the documents answer them plainly: over a team's own documents they would
 * only be refused.
 */
export const EXAMPLE_PROMPTS = [
  { title: "Who leads for China?", message: "Who leads the Chinese delegation?" },
  { title: "What changed in tariffs?", message: "How were the tariffs reduced?" },
  { title: "Where are the talks?", message: "Where are the talks held?" },
] as const;
/** Suggested whatever the documents are. */
export const SUMMARY_PROMPT = { title: "Summarize", message: "Give me a short summary" } as const;
export const SOURCES_PROMPT = { title: "What's in here?", message: "What documents do you have?" } as const;
/** For a corpus of several files: a summary of one of them, named by its file name. */
export const SUMMARIZE_FILE_PROMPT = (fileName: string) => ({
  title: `Summarize ${fileName}`,
  message: `Summarize ${fileName}`,
});
export const PROMPTS_TITLE = "Try asking";
export const WORKING_STATUS = "is reading the sources...";
export const WORKING_REACTION = "hourglass_flowing_sand";
/** To "Answer in thread" (the message shortcut), privately, when it cannot answer. */
/** Above an answer given through the message shortcut: who asked for it (the message's author may not have). */
export const ANSWER_REQUESTED_BY = (userId: string) =>
  /^[UW][A-Z0-9]+$/.test(userId) ? `Answered at <@${userId}>'s request` : "Answered on request";
export const SHORTCUT_NO_TEXT = "That message has no text for me to answer. Pick a message with a question in it.";
export const SHORTCUT_BOT_MESSAGE = "That message was posted by an app; pick a question a person asked.";
export const SHORTCUT_ALREADY_ANSWERED = "I have already answered that message; see its thread.";
export const SHORTCUT_CANNOT_POST =
  "I can't post in this conversation. Invite me first (`/invite @CiteBot`), then try again.";
export const SHARE_EXPIRED = "That answer is no longer available to share; please ask again.";
export const SHARED_BY = (userId: string | undefined) =>
  userId && /^[UW][A-Z0-9]+$/.test(userId) ? `Shared by <@${userId}> from /ask` : SHARED_NOTE;
/** The Home tab (App Home), above the list of documents. */
export const HOME_INTRO = (example?: string) =>
  `I answer questions about the documents below and cite the exact sentences I quote, with file and line. Mention me in a channel ${example ? `(${mentionWith(example)})` : "with your question"}, send me a direct message, use \`/ask\` for an answer only you see, or pick *Answer in thread* from a message's menu to answer someone's question where they asked it. In a thread where I have answered, just reply: I read follow-ups with the question before.`;
/** In place of the documents while they are still being indexed (the Home tab is published again when they are ready). */
export const HOME_LOADING = "_Reading the documents… this page updates by itself when they are ready._";
/** Above the list of documents: `files` and `sentences` counted, `indexed` a Slack date token or plain text. */
export const HOME_DOCUMENTS_HEADING = (files: number, sentences: number, indexed: string) =>
  `*Documents* · ${files.toLocaleString("en-US")} file${files === 1 ? "" : "s"}, ${sentences.toLocaleString("en-US")} sentence${sentences === 1 ? "" : "s"} · indexed ${indexed}`;
/** After the listed documents when there are more than fit. */
export const HOME_MORE_FILES = (more: number) =>
  `_…and ${more.toLocaleString("en-US")} more file${more === 1 ? "" : "s"}._`;
export const HOME_FOOTER =
  "Answers quote these files word for word; nothing is generated. When the files do not answer a question I say so, and a weak match comes with a warning. Edits to the files show up here by themselves.";
/** In place of the documents when the index could not be read. */
export const HOME_UNAVAILABLE =
  "The documents are not available right now. The problem has been logged; please try again later.";
