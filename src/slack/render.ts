import { isWeakMatch, unhandledKind, type Answer, type SmallTalkReply } from "../answer/answer.js";
import { citedText } from "../answer/compose.js";
import { formatLocation, SUMMARY_ABOUT_TEXT, summaryHeading } from "../answer/wording.js";
import { escapeMrkdwn } from "./escape.js";
import {
  CONTEXT_LABEL,
  FOLLOW_UP_NOTE,
  HOME_DOCUMENTS_HEADING,
  HOME_FOOTER,
  HOME_INTRO,
  HOME_LOADING,
  HOME_MORE_FILES,
  HOME_UNAVAILABLE,
  LOW_CONFIDENCE_NOTE,
  RELATED_HEADING,
  SOURCES_HEADING,
  TRUNCATED_NOTE,
  WEAK_MATCH_PREFIX,
} from "./messages.js";

/**
 * Block Kit rendering of an answer. Pure. Stays inside Slack's limits so no message is rejected:
 * 3,000 characters per section text, 50 blocks, about 12,000 characters of block text in all,
 * 40,000 characters of fallback text. What does not fit is cut cleanly with a note.
 */
export const LIMITS = {
  sectionText: 3_000,
  blocks: 50,
  totalBlockText: 12_000,
  text: 40_000,
  buttonValue: 2_000,
} as const;
/** A follow-up note quotes at most this much of the earlier question. */
const FOLLOW_UP_TOPIC_CHARS = 300;

export const ACTION_FEEDBACK_HELPFUL = "feedback_helpful";
export const ACTION_FEEDBACK_NOT_HELPFUL = "feedback_not_helpful";
export const ACTION_SHARE = "share_answer";
/** The message shortcut's callback id (slack-app-manifest.yml). */
export const SHORTCUT_ANSWER_IN_THREAD = "answer_in_thread";

export interface Block {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface RenderedMessage {
  readonly text: string;
  readonly blocks: Block[];
}

export interface RenderOptions {
  /** Identifies the answer in feedback and share clicks. */
  readonly answerId: string;
  /** Adds a "Share in channel" button (for /ask answers only the asker sees). */
  readonly shareable?: boolean;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Cut at a space where possible and never inside an escape sequence such as "&amp;".
  let cut = text.lastIndexOf(" ", max - 1);
  if (cut < max * 0.8) cut = max - 1;
  let head = text.slice(0, cut);
  const amp = head.lastIndexOf("&");
  if (amp !== -1 && amp > head.length - 6 && !head.slice(amp).includes(";")) head = head.slice(0, amp);
  return `${head}…`;
}

const section = (text: string): Block => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, LIMITS.sectionText) },
});
const context = (text: string): Block => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: clip(text, LIMITS.sectionText) }],
});

/** A file name as inline code: escaped, and a backtick in it cannot end the code span. */
function code(text: string): string {
  return `\`${escapeMrkdwn(text).replace(/`/g, "'")}\``;
}

/** A cited passage's file and lines, as in the terminal (formatLocation), as inline code. */
function location(where: Parameters<typeof formatLocation>[0]): string {
  return code(formatLocation(where));
}

function quote(text: string): string {
  return escapeMrkdwn(text)
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n");
}

/** A passage of several lines (a code block) as a mrkdwn code block; a "```" inside cannot close it. */
function codeBlock(text: string): string {
  return `\`\`\`\n${escapeMrkdwn(text).replace(/```/g, "`\u200b``")}\n\`\`\``;
}

/** A cited passage under its source: quoted, or as a code block when it has several lines. */
function passage(text: string): string {
  return text.includes("\n") ? codeBlock(text) : quote(text);
}

/**
 * The answer's text in mrkdwn: as composed, escaped, except that a cited passage of several lines
 * (a code block) is shown as a code block so that its lines and indentation survive.
 */
function answerMrkdwn(answer: Answer): string {
  if (
    !answer.answered ||
    !answer.citations.some((c) => c.text.includes("\n")) ||
    answer.text !== citedText(answer.citations)
  ) {
    return escapeMrkdwn(answer.text);
  }
  return citedText(answer.citations, (c) => (c.text.includes("\n") ? codeBlock(c.text) : escapeMrkdwn(c.text)));
}

function button(text: string, actionId: string, value: string, style?: "primary"): Block {
  return {
    type: "button",
    text: { type: "plain_text", text, emoji: true },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

/**
 * What feedback and share clicks carry back: the answer id, and the question itself so a click on
 * an answer that has left the in-memory store is still logged with its question. Within Slack's
 * 2,000-character limit for button values.
 */
export function buttonValue(answerId: string, question: string): string {
  let q = question.slice(0, 1_000);
  let value = JSON.stringify({ id: answerId, q });
  while (value.length > LIMITS.buttonValue) {
    q = q.slice(0, Math.floor(q.length / 2));
    value = JSON.stringify({ id: answerId, q });
  }
  return value;
}

/**
 * The answer's first claim (without markers) and the number of sources: what notifications show.
 * A claim cited with its context (the sentence its "This meeting ..." points back to) carries that
 * sentence first, as the answer's text does: alone, "This meeting follows a session in Geneva" told
 * the notification's reader Geneva for "Where are the talks held?", when the context said London.
 */
export function fallbackText(answer: Answer): string {
  const claim = answer.citations.findIndex((c) => !c.context);
  const first =
    answer.answered && claim >= 0
      ? answer.citations
          .slice(0, claim + 1)
          .map((c) => c.text)
          .join(" ")
      : answer.text;
  const sources = answer.citations.length;
  const suffix = answer.answered ? ` (${sources} source${sources === 1 ? "" : "s"})` : "";
  return (isWeakMatch(answer) ? WEAK_MATCH_PREFIX : "") + clip(escapeMrkdwn(first), LIMITS.text - 100) + suffix;
}

function blockTextLength(block: Block): number {
  return JSON.stringify(block).length;
}

/** An answer as a message with sources; small talk is a plain reply (handlers.ts, smallTalkReply). */
export type RenderedAnswer = Exclude<Answer, SmallTalkReply>;

/** The context lines above the answer's text, by kind: the same headings as in the terminal (src/cli/render.ts), escaped. */
function headings(answer: RenderedAnswer): Block[] {
  switch (answer.kind) {
    case "answer":
      return answer.lowConfidence ? [context(LOW_CONFIDENCE_NOTE)] : [];
    case "not-found":
    case "nothing-to-search":
      return [];
    case "summary":
      return [context(summaryHeading(answer.summaryOf.map(code), answer.corpusFiles))];
    case "subject-summary":
      return [context(SUMMARY_ABOUT_TEXT(clip(escapeMrkdwn(answer.summaryAbout), FOLLOW_UP_TOPIC_CHARS)))];
    default:
      return unhandledKind(answer);
  }
}

export function renderAnswer(answer: RenderedAnswer, options: RenderOptions): RenderedMessage {
  const body: Block[] = [
    ...(answer.followUpTo !== undefined
      ? [context(FOLLOW_UP_NOTE(clip(escapeMrkdwn(answer.followUpTo), FOLLOW_UP_TOPIC_CHARS)))]
      : []),
    ...headings(answer),
    section(answerMrkdwn(answer)),
  ];
  const detail: Block[] = [];
  if (answer.citations.length > 0) {
    detail.push(context(SOURCES_HEADING));
    for (const c of answer.citations)
      detail.push(section(`*[${c.n}]* ${location(c)}${c.context ? ` ${CONTEXT_LABEL}` : ""}\n${passage(c.text)}`));
  } else if (answer.related.length > 0) {
    detail.push(context(RELATED_HEADING));
    for (const r of answer.related) detail.push(section(`${location(r)}\n${passage(r.text)}`));
  }
  const value = buttonValue(options.answerId, answer.question);
  const actions: Block = {
    type: "actions",
    elements: [
      button("👍 Helpful", ACTION_FEEDBACK_HELPFUL, value),
      button("👎 Not helpful", ACTION_FEEDBACK_NOT_HELPFUL, value),
      ...(options.shareable ? [button("Share in channel", ACTION_SHARE, value, "primary")] : []),
    ],
  };

  // Budget: keep the answer, the actions and room for the note; add sources while they fit.
  const note = context(TRUNCATED_NOTE);
  let used =
    body.reduce((sum, block) => sum + blockTextLength(block), 0) + blockTextLength(actions) + blockTextLength(note);
  const blocks = [...body];
  let truncated = answer.text.length > LIMITS.sectionText;
  for (const block of detail) {
    const size = blockTextLength(block);
    if (blocks.length + 2 >= LIMITS.blocks || used + size > LIMITS.totalBlockText) {
      truncated = true;
      break;
    }
    blocks.push(block);
    used += size;
  }
  if (truncated) blocks.push(note);
  blocks.push(actions);
  return { text: fallbackText(answer), blocks };
}

/** A short text-only message (usage hint, errors), escaped. */
export function renderNotice(text: string): RenderedMessage {
  return { text, blocks: [section(text)] };
}

/** What the Home tab lists: the indexed files, as the index manifest records them, and when they were indexed. */
export interface SourcesOverview {
  readonly files: ReadonlyArray<{ readonly source: string; readonly sentences: number }>;
  /** ISO 8601. */
  readonly builtAt: string;
}

/**
 * Files named one by one on the Home tab; the rest are counted. A Home view takes at most 100
 * blocks, and a list longer than this is no longer read anyway.
 */
export const HOME_FILES_LISTED = 200;
/** A file name longer than this is cut in the list. */
const HOME_NAME_CHARS = 200;

/**
 * A timestamp each reader sees in their own time zone, with the ISO form as the fallback
 * (https://docs.slack.dev/messaging/formatting-message-text#date-formatting).
 */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "at an unknown time";
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${escapeMrkdwn(new Date(ms).toISOString())}>`;
}

/** What the Home tab knows of the documents: still being indexed, could not be read, or these. */
export type HomeDocuments =
  | { readonly state: "loading" }
  | { readonly state: "unavailable" }
  | { readonly state: "ready"; readonly overview: SourcesOverview };

/**
 * The Home tab (App Home) blocks: how to ask, and which documents answers come from. `example` is a
 * question the documents answer plainly, shown in the instructions when there is one.
 */
export function renderHome(documents: HomeDocuments, example?: string): Block[] {
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: "CiteBot" } },
    section(HOME_INTRO(example)),
    { type: "divider" },
  ];
  if (documents.state === "loading") return [...blocks, section(HOME_LOADING)];
  if (documents.state === "unavailable") return [...blocks, section(HOME_UNAVAILABLE)];
  const { overview } = documents;
  const sentences = overview.files.reduce((sum, file) => sum + file.sentences, 0);
  blocks.push(section(HOME_DOCUMENTS_HEADING(overview.files.length, sentences, slackDate(overview.builtAt))));
  const listed = overview.files.slice(0, HOME_FILES_LISTED);
  // One file per line, as many lines per section as fit its 3,000 characters.
  let lines = "";
  for (const file of listed) {
    const line = `• ${code(clip(file.source, HOME_NAME_CHARS))} (${file.sentences.toLocaleString("en-US")} sentence${file.sentences === 1 ? "" : "s"})`;
    if (lines !== "" && lines.length + 1 + line.length > LIMITS.sectionText) {
      blocks.push(section(lines));
      lines = "";
    }
    lines = lines === "" ? line : `${lines}\n${line}`;
  }
  if (lines !== "") blocks.push(section(lines));
  if (overview.files.length > listed.length)
    blocks.push(context(HOME_MORE_FILES(overview.files.length - listed.length)));
  blocks.push(context(HOME_FOOTER));
  return blocks;
}
