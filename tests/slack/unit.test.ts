import { quotedKey } from "../../src/answer/follow-up.js";
import { describe, expect, it, vi } from "vitest";
import type { CitedAnswer } from "../../src/answer/answer.js";
import type { RenderedAnswer } from "../../src/slack/render.js";
import { NOT_FOUND_TEXT } from "../../src/answer/compose.js";
import { CiteBotError, ErrorCode } from "../../src/errors.js";
import { RateLimiter, RecentKeys, RecentValues } from "../../src/slack/dedup.js";
import { escapeMrkdwn, slackToPlain, stripMention } from "../../src/slack/escape.js";
import { answerWithoutSearch } from "../../src/answer/without-search.js";
import { createBotDeps, type AnswerPort, type SlackClient, type ThreadMessage } from "../../src/slack/deps.js";
import { handleAppMention, handleAssistantMessage, handleMessage } from "../../src/slack/handlers.js";
import { handleAskCommand, handleFeedback, handleMessageShortcut, handleShare } from "../../src/slack/interactive.js";
import { handleAppHomeOpened, handleAssistantThreadStarted } from "../../src/slack/surfaces.js";
import { LogLevel } from "../../src/logger.js";
import {
  CONTEXT_LABEL,
  FOLLOW_UP_NOTE,
  GREETING_REPLY,
  HOME_FOOTER,
  HOME_INTRO,
  HOME_LOADING,
  HOME_UNAVAILABLE,
  LOW_CONFIDENCE_NOTE,
  WEAK_MATCH_PREFIX,
  ERROR_REPLY,
  FEEDBACK_FAILED,
  RATE_LIMITED_REPLY,
  SHARE_EXPIRED,
  SHORTCUT_ALREADY_ANSWERED,
  SHORTCUT_BOT_MESSAGE,
  SHORTCUT_CANNOT_POST,
  SHORTCUT_NO_TEXT,
  ANSWER_REQUESTED_BY,
  ASK_COMMAND_HINT,
  EXAMPLE_PROMPTS,
  PROMPTS_TITLE,
  SOURCES_PROMPT,
  SUMMARY_PROMPT,
  THANKS_REACTION,
  THANKS_REPLY,
  TOO_LONG_REPLY,
  USAGE_HINT,
  WORKING_REACTION,
  WORKING_STATUS,
} from "../../src/slack/messages.js";
import { MAX_PROMPTS, suggestedPrompts } from "../../src/slack/prompts.js";
import {
  buttonValue,
  HOME_FILES_LISTED,
  LIMITS,
  renderAnswer,
  renderHome,
  type Block,
  type SourcesOverview,
} from "../../src/slack/render.js";
import { citedText } from "../../src/answer/compose.js";
import type { FeedbackRecord } from "../../src/slack/feedback-log.js";
import { FakeLogger } from "../helpers/fake-logger.js";

const citation = (n: number, text: string, lineStart = n, lineEnd = lineStart) => ({
  n,
  text,
  source: "corpus/a.txt",
  lineStart,
  lineEnd,
  score: 0.9,
});
const answered = (question: string, texts: string[]): CitedAnswer => ({
  kind: "answer",
  question,
  answered: true,
  text: texts.map((t, i) => `${t} [${i + 1}]`).join(" "),
  citations: texts.map((t, i) => citation(i + 1, t)),
  related: [],
});

describe("escapeMrkdwn", () => {
  it.each([
    ["a & b < c > d", "a &amp; b &lt; c &gt; d"],
    ["<!channel> hi", "&lt;!channel&gt; hi"],
    ["<!here|here> <!everyone>", "&lt;!here|here&gt; &lt;!everyone&gt;"],
    ["<@U123> and <!subteam^S1|team>", "&lt;@U123&gt; and &lt;!subteam^S1|team&gt;"],
    ["<https://evil.example|click>", "&lt;https://evil.example|click&gt;"],
    ["ping @channel or @Here now", "ping @\u2060channel or @\u2060Here now"],
    ["already &amp; escaped", "already &amp;amp; escaped"],
    ["nul\u0000 and \u202eevil bidi", "nul and evil bidi"],
  ])("%j", (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe("question text from Slack", () => {
  it.each([
    ["<@UBOT> where are the talks?", "UBOT", "where are the talks?"],
    ["hey <@UBOT|citebot>, who leads?", "UBOT", "hey , who leads?"],
    ["<@UBOT>", "UBOT", ""],
  ])("stripMention(%j)", (text, bot, expected) => {
    expect(stripMention(text, bot)).toBe(expected);
  });

  it.each([
    ["see <https://x.example|the site> now", "see the site now"],
    ["ask <@U123> and <!here> about &lt;tags&gt;", "ask   and   about <tags>"],
    ["<mailto:a@b.c>", "mailto:a@b.c"],
  ])("slackToPlain(%j)", (text, expected) => {
    expect(slackToPlain(text)).toBe(expected);
  });
});

function allText(blocks: Block[]): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "text" && typeof value === "string") out.push(value);
        else walk(value);
      }
    }
  };
  walk(blocks);
  return out;
}

describe("renderAnswer", () => {
  it("renders answer, sources and feedback buttons", () => {
    const message = renderAnswer(
      answered("q", ["Vice Premier He Lifeng heads the delegation.", "Bessent represents the U.S."]),
      { answerId: "a1" },
    );
    expect(message).toMatchSnapshot();
  });

  it("warns above the answer when it is a weak match, and only then", () => {
    const weak = renderAnswer(
      { ...answered("q", ["Student visas were restricted."]), lowConfidence: true },
      { answerId: "a3" },
    );
    expect(weak.blocks[0]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: LOW_CONFIDENCE_NOTE }] });
    expect(allText(weak.blocks)[1]).toContain("Student visas were restricted.");
    const confident = renderAnswer(answered("q", ["Student visas were restricted."]), { answerId: "a4" });
    expect(allText(confident.blocks)).not.toContain(LOW_CONFIDENCE_NOTE);
    expect(weak.blocks.length).toBe(confident.blocks.length + 1);
    expect(weak.text).toBe(`${WEAK_MATCH_PREFIX}Student visas were restricted. (1 source)`);
    expect(confident.text).toBe("Student visas were restricted. (1 source)");
  });

  it("says above the answer which earlier question a follow-up was read with, escaped and shortened", () => {
    const message = renderAnswer(
      { ...answered("What is his role?", ["He heads the delegation."]), followUpTo: "Who is <!channel> & <@U123>?" },
      { answerId: "a5" },
    );
    expect(message.blocks[0]).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: FOLLOW_UP_NOTE("Who is &lt;!channel&gt; &amp; &lt;@U123&gt;?") }],
    });
    const long = renderAnswer({ ...answered("q", ["A."]), followUpTo: "word ".repeat(1_000) }, { answerId: "a6" });
    expect(allText(long.blocks)[0]!.length).toBeLessThan(400);
    expect(allText(renderAnswer(answered("q", ["A."]), { answerId: "a7" }).blocks)[0]).not.toContain("follow-up");
  });

  it("heads a summary with the file it covers, escaped, or with the size of the corpus for an overview", () => {
    const summary = renderAnswer(
      { ...answered("tl;dr", ["A.", "B."]), kind: "summary", summaryOf: ["corpus/<!here>`notes`.md"] },
      { answerId: "s1" },
    );
    expect(summary.blocks[0]).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "Summary of `corpus/&lt;!here&gt;'notes'.md`:" }],
    });
    const overview = renderAnswer(
      {
        ...answered("Summarize", ["A.", "B."]),
        kind: "summary",
        summaryOf: ["corpus/a.md", "corpus/b.md"],
        corpusFiles: 14,
      },
      { answerId: "s2" },
    );
    expect(allText(overview.blocks)[0]).toBe(
      "The sources hold 14 files. How the first 2 begin (ask me to summarize one by name):",
    );
    expect(allText(renderAnswer(answered("q", ["A."]), { answerId: "s3" }).blocks)[0]).not.toMatch(
      /Summary|sources hold|sources say/,
    );
    const about = renderAnswer(
      {
        ...answered("Summarize <!here> tariffs", ["A.", "B."]),
        kind: "subject-summary",
        summaryAbout: "<!here> tariffs",
      },
      { answerId: "s4" },
    );
    expect(allText(about.blocks)[0]).toBe('What the sources say about "&lt;!here&gt; tariffs":');
  });

  it("renders a not-found answer with closest passages, not sources", () => {
    const answer: RenderedAnswer = {
      kind: "not-found",
      question: "q",
      answered: false,
      text: NOT_FOUND_TEXT,
      citations: [],
      related: [{ text: "Near miss.", source: "corpus/a.txt", lineStart: 7, lineEnd: 8, score: 0.2 }],
    };
    const message = renderAnswer(answer, { answerId: "a2" });
    expect(message.text).toBe(NOT_FOUND_TEXT);
    expect(allText(message.blocks).join("\n")).toContain("Closest passages");
    expect(allText(message.blocks).join("\n")).toContain("`corpus/a.txt:7-8`");
  });

  it.each([
    ["one source", ["Short."], "Short. (1 source)"],
    ["two sources", ["First one.", "Second."], "First one. (2 sources)"],
  ])("fallback text with %s", (_name, texts, expected) => {
    expect(renderAnswer(answered("q", texts), { answerId: "x" }).text).toBe(expected);
  });

  it.each([
    ["a short question", "who leads?"],
    ["2,000 quotes", '"'.repeat(2000)],
    ["2,000 emoji", "😀".repeat(2000)],
    ["control characters", "\u0001".repeat(1500)],
  ])("keeps the button value within Slack's limit for %s", (_name, question) => {
    const value = buttonValue("3f1c0a6e-0000-4000-8000-000000000000", question);
    expect(value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
    const parsed = JSON.parse(value) as { id: string; q: string };
    expect(question.startsWith(parsed.q)).toBe(true);
  });

  it("adds a share button only when asked", () => {
    const ids = (shareable: boolean) =>
      (
        renderAnswer(answered("q", ["A."]), { answerId: "x", shareable }).blocks.find((b) => b.type === "actions")!
          .elements as Array<{ action_id: string }>
      ).map((e) => e.action_id);
    expect(ids(false)).toEqual(["feedback_helpful", "feedback_not_helpful"]);
    expect(ids(true)).toEqual(["feedback_helpful", "feedback_not_helpful", "share_answer"]);
  });

  it("leads the notification with the context a claim points back to, then the claim: the two say what either alone does not", () => {
    const answer = answered("q", ["U.S. officials expect rare earth exports.", "These materials are vital.", "Other."]);
    const withContext: RenderedAnswer = {
      ...answer,
      citations: [{ ...answer.citations[0]!, context: true }, answer.citations[1]!, answer.citations[2]!],
    };
    expect(renderAnswer(withContext, { answerId: "x" }).text).toBe(
      "U.S. officials expect rare earth exports. These materials are vital. (3 sources)",
    );
    const sections = renderAnswer(withContext, { answerId: "x" }).blocks.map(
      (b) => (b.text as { text?: string } | undefined)?.text ?? "",
    );
    expect(sections.find((t) => t.includes("corpus/a.txt:1"))).toContain(CONTEXT_LABEL);
    expect(sections.find((t) => t.includes("corpus/a.txt:2"))).not.toContain(CONTEXT_LABEL);
    expect(renderAnswer(answer, { answerId: "x" }).text).toBe("U.S. officials expect rare earth exports. (3 sources)");
  });

  it("shows a cited code block as a code block in the answer, escaped and unable to close early", () => {
    const code = "npm ci\n  npm run migrate <!here> ``` done";
    const answer: RenderedAnswer = {
      kind: "answer",
      question: "q",
      answered: true,
      text: citedText([
        { n: 1, text: "To install it, run:" },
        { n: 2, text: code },
        { n: 3, text: "Then start it." },
      ]),
      citations: [citation(1, "To install it, run:"), citation(2, code, 2, 3), citation(3, "Then start it.", 5)],
      related: [],
    };
    const texts = allText(renderAnswer(answer, { answerId: "a" }).blocks);
    expect(texts[0]).toBe(
      "To install it, run: [1]\n```\nnpm ci\n  npm run migrate &lt;!here&gt; `\u200b`` done\n``` [2]\nThen start it. [3]",
    );
    // Under its source too.
    expect(texts).toContain(
      "*[2]* `corpus/a.txt:2-3`\n```\nnpm ci\n  npm run migrate &lt;!here&gt; `\u200b`` done\n```",
    );
  });

  it("leaves a one-line answer's text as composed", () => {
    const answer = answered("q", ["One.", "Two."]);
    expect(allText(renderAnswer(answer, { answerId: "a" }).blocks)[0]).toBe("One. [1] Two. [2]");
  });

  it("never lets quoted text notify anyone or form links", () => {
    const message = renderAnswer(answered("q", ["<!channel> <@U1> <!subteam^S1> <https://x|y> @here"]), {
      answerId: "x",
    });
    for (const text of [message.text, ...allText(message.blocks)]) {
      expect(text).not.toMatch(/<[!@#]/);
      expect(text).not.toMatch(/<http/);
      expect(text).not.toMatch(/@here\b/);
    }
  });

  it("stays within Slack's limits for thousands of random answers (property test)", () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = [
      "a",
      " ",
      "<",
      ">",
      "&",
      "@channel",
      "<!here>",
      "*",
      "_",
      "`",
      "\n",
      "é",
      "😀",
      "\u202e",
      "\u0000",
      "[1]",
      "&amp;",
      "|",
    ];
    const randomText = (max: number) =>
      Array.from({ length: Math.floor(rand() * max) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(rand() * 12);
      const texts = Array.from({ length: n }, () => randomText(rand() < 0.1 ? 3000 : 200));
      const answer: RenderedAnswer =
        n === 0
          ? {
              kind: "not-found",
              question: "q",
              answered: false,
              text: NOT_FOUND_TEXT,
              citations: [],
              related: [{ text: randomText(1200), source: randomText(50) || "f", lineStart: 1, lineEnd: 1, score: 0 }],
            }
          : {
              ...answered("q", texts),
              text: randomText(5000),
              ...(rand() < 0.5 ? { lowConfidence: true as const } : {}),
              ...(rand() < 0.3 ? { followUpTo: randomText(2500) } : {}),
            };
      const kind = rand();
      const rendered: RenderedAnswer =
        answer.kind !== "answer" || kind < 0.6
          ? answer
          : kind < 0.8
            ? { ...answer, kind: "summary", summaryOf: [randomText(3500) || "f"] }
            : { ...answer, kind: "subject-summary", summaryAbout: randomText(3500) };
      const { text, blocks } = renderAnswer(rendered, { answerId: `id-${i}`, shareable: rand() < 0.5 });
      expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
      expect(text.length).toBeLessThanOrEqual(LIMITS.text);
      const texts2 = allText(blocks);
      expect(texts2.every((t) => t.length <= LIMITS.sectionText)).toBe(true);
      expect(texts2.reduce((sum, t) => sum + t.length, 0)).toBeLessThanOrEqual(LIMITS.totalBlockText);
      for (const t of [text, ...texts2]) {
        expect(t).not.toMatch(/<[!@#h]/);
        expect(t.includes("\u0000") || t.includes("\u202e")).toBe(false);
        expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
    }
  });
});

describe("renderHome", () => {
  const textOf = (blocks: Block[]) => JSON.stringify(blocks);
  const sectionTexts = (blocks: Block[]) =>
    blocks.filter((b) => b.type === "section").map((b) => (b.text as { text: string }).text);
  const files = (n: number, name = (i: number) => `corpus/doc-${i}.md`) =>
    Array.from({ length: n }, (_, i) => ({ source: name(i), sentences: i + 1 }));
  const ready = (list: SourcesOverview["files"], builtAt: string) => ({
    state: "ready" as const,
    overview: { files: list, builtAt },
  });

  it.each([
    [
      "one file",
      [{ source: "corpus/trade.txt", sentences: 26 }],
      "*Documents* · 1 file, 26 sentences",
      ["• `corpus/trade.txt` (26 sentences)"],
    ],
    [
      "several files, counts summed",
      [
        { source: "corpus/a.md", sentences: 1 },
        { source: "corpus/b.txt", sentences: 1_200 },
      ],
      "2 files, 1,201 sentences",
      ["• `corpus/a.md` (1 sentence)\n• `corpus/b.txt` (1,200 sentences)"],
    ],
    [
      "a hostile file name",
      [{ source: "corpus/<!channel> `x` @here.md", sentences: 2 }],
      "1 file, 2 sentences",
      ["• `corpus/&lt;!channel&gt; 'x' @\u2060here.md` (2 sentences)"],
    ],
  ])("lists the documents: %s", (_name, list, heading, listing) => {
    const blocks = renderHome(ready(list, "2026-11-29T17:13:06.037Z"));
    const sections = sectionTexts(blocks);
    expect(sections.find((t) => t.startsWith("*Documents*"))).toContain(heading);
    expect(sections.filter((t) => t.startsWith("• "))).toEqual(listing);
    expect(textOf(blocks)).not.toMatch(/<!channel>|<!here>|(?<!\u2060)@here/);
  });

  it("shows when the index was built as a Slack date, with the ISO time as the fallback", () => {
    const heading = sectionTexts(renderHome(ready(files(1), "2026-11-29T17:13:06.037Z"))).find((t) =>
      t.startsWith("*Documents*"),
    );
    expect(heading).toContain(
      `<!date^${(Date.parse("2026-11-29T17:13:06.037Z") / 1000) | 0}^{date_short_pretty} at {time}|2026-11-29T17:13:06.037Z>`,
    );
    expect(sectionTexts(renderHome(ready(files(1), "garbage"))).find((t) => t.startsWith("*Documents*"))).toContain(
      "indexed at an unknown time",
    );
  });

  it("stays inside the Home view's limits however many files there are, and counts the ones not listed", () => {
    const many = files(5_000, (i) => `corpus/${"deep/".repeat(40)}file-${i}.md`);
    const blocks = renderHome(ready(many, "2026-11-29T17:13:06.037Z"));
    expect(blocks.length).toBeLessThanOrEqual(100);
    for (const text of sectionTexts(blocks)) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    const listed = sectionTexts(blocks)
      .filter((t) => t.startsWith("• "))
      .flatMap((t) => t.split("\n"));
    expect(listed).toHaveLength(HOME_FILES_LISTED);
    expect(listed.every((line) => line.startsWith("• `corpus/"))).toBe(true);
    expect(textOf(blocks)).toContain(`…and ${(5_000 - HOME_FILES_LISTED).toLocaleString("en-US")} more files.`);
    expect(textOf(blocks)).toContain(JSON.stringify(HOME_FOOTER).slice(1, -1));
  });

  it.each([
    [
      "an example question the documents answer",
      "Where are the talks held?",
      "Mention me in a channel (`@CiteBot where are the talks held?`)",
    ],
    ["no example", undefined, "Mention me in a channel with your question,"],
  ])("tells how to ask, with %s", (_name, example, instruction) => {
    const intro = sectionTexts(renderHome(ready(files(1), "2026-11-29T17:13:06.037Z"), example))[0]!;
    expect(intro).toBe(HOME_INTRO(example));
    expect(intro).toContain(instruction);
  });

  it("says the documents are still being read while the first index is built, and lists none", () => {
    const sections = sectionTexts(renderHome({ state: "loading" }));
    expect(sections).toContain(HOME_LOADING);
    expect(sections.some((t) => t.startsWith("*Documents*") || t.startsWith("• ") || t === HOME_UNAVAILABLE)).toBe(
      false,
    );
  });

  it("says the documents are unavailable when they could not be read, and lists none", () => {
    const sections = sectionTexts(renderHome({ state: "unavailable" }));
    expect(sections).toContain(HOME_UNAVAILABLE);
    expect(sections.some((t) => t.startsWith("*Documents*") || t.startsWith("• "))).toBe(false);
  });
});

describe("suggestedPrompts", () => {
  const example = (n: number) => ({ title: `Example ${n}`, message: `Question ${n}?` });
  it.each([
    [
      "one file, three examples answered: two of them first",
      [example(1), example(2), example(3)],
      ["corpus/a.txt"],
      ["Question 1?", "Question 2?", SUMMARY_PROMPT.message, SOURCES_PROMPT.message],
    ],
    ["one file, no example answered", [], ["corpus/a.txt"], [SUMMARY_PROMPT.message, SOURCES_PROMPT.message]],
    [
      "several files fill the free places with their summaries",
      [],
      ["corpus/a.md", "corpus/team/b.txt", "corpus/c.md"],
      [SUMMARY_PROMPT.message, SOURCES_PROMPT.message, "Summarize a.md", "Summarize b.txt"],
    ],
    [
      "a file name with markup or too long is not offered",
      [],
      ["corpus/<!channel>.md", `corpus/${"x".repeat(70)}.md`, "corpus/`code`.md", "corpus/ok.md"],
      [SUMMARY_PROMPT.message, SOURCES_PROMPT.message, "Summarize ok.md"],
    ],
    ["no documents", [], [], [SUMMARY_PROMPT.message, SOURCES_PROMPT.message]],
  ])("%s", (_name, examples, sources, messages) => {
    const prompts = suggestedPrompts(examples, sources);
    expect(prompts.map((p) => p.message)).toEqual(messages);
    expect(prompts.length).toBeLessThanOrEqual(MAX_PROMPTS);
  });
});

describe("RecentKeys, RecentValues and RateLimiter", () => {
  it("remembers keys until they expire, and stays bounded", () => {
    let now = 0;
    const keys = new RecentKeys(1000, 3, () => now);
    expect(keys.firstTime("a")).toBe(true);
    expect(keys.firstTime("a")).toBe(false);
    now = 1001;
    expect(keys.firstTime("a")).toBe(true);
    for (const k of ["b", "c", "d", "e"]) keys.firstTime(k);
    expect(keys.size).toBeLessThanOrEqual(3);
  });

  it("expires stored values", () => {
    let now = 0;
    const values = new RecentValues<string>(100, 10, () => now);
    values.set("k", "v");
    expect(values.get("k")).toBe("v");
    now = 101;
    expect(values.get("k")).toBeUndefined();
  });

  it("allows N per minute, warns once, then drops until the window passes", () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    expect([limiter.check("u"), limiter.check("u"), limiter.check("u"), limiter.check("u")]).toEqual([
      "allow",
      "allow",
      "warn",
      "drop",
    ]);
    expect(limiter.check("other")).toBe("allow");
    now = 61_000;
    expect(limiter.check("u")).toBe("allow");
  });
});

class FakeClient implements SlackClient {
  readonly posted: Array<Record<string, unknown>> = [];
  failPost = false;
  readonly updated: Array<Record<string, unknown>> = [];
  failUpdate = false;
  chat = {
    postMessage: async (args: Record<string, unknown>): Promise<{ ok: boolean; ts?: string }> => {
      if (this.failPost)
        throw Object.assign(new Error("An API error occurred: ratelimited"), { data: { error: "ratelimited" } });
      this.posted.push(args);
      return { ok: true, ts: `900.${this.posted.length}` };
    },
    update: async (args: Record<string, unknown>) => {
      if (this.failUpdate)
        throw Object.assign(new Error("An API error occurred: message_not_found"), {
          data: { error: "message_not_found" },
        });
      this.updated.push(args);
      return { ok: true };
    },
  };
  readonly reacted: string[] = [];
  reactions = {
    add: async (args: { name: string }) => (this.reacted.push(args.name), { ok: true }),
    remove: async () => ({ ok: true }),
  };
  readonly published: Array<{ user_id: string; view: { type: string; blocks: Block[] } }> = [];
  failPublish = false;
  views = {
    publish: async (args: { user_id: string; view: { type: "home"; blocks: Block[] } }) => {
      if (this.failPublish) throw new Error("An API error occurred: not_enabled");
      this.published.push(args);
      return { ok: true };
    },
  };
  readonly historyReads: Array<Record<string, unknown>> = [];
  history: ThreadMessage[] = [];
  conversations = {
    replies: async () => ({ messages: [] as ThreadMessage[] }),
    history: async (args: Record<string, unknown>) => {
      this.historyReads.push(args);
      return { messages: this.history };
    },
  };
}

const SOURCES: SourcesOverview = {
  files: [{ source: "corpus/trade.txt", sentences: 26 }],
  builtAt: "2026-11-29T17:13:06.037Z",
};

/** Handler dependencies around a fake engine: by default it answers "About <question>." and lists SOURCES. */
function setup(engine: Partial<AnswerPort> = {}, perMinute = 100) {
  const logger = new FakeLogger();
  const records: FeedbackRecord[] = [];
  const feedback = { append: async (r: FeedbackRecord) => void records.push(r) };
  const answer = engine.answer ?? (async (q: string) => answered(q, [`About ${q}.`]));
  const answers: AnswerPort = {
    sources: async () => SOURCES,
    ...engine,
    // As the bot's port to the engine does (app.ts): small talk is answered without the engine.
    answer: async (q, conversation) => answerWithoutSearch(q) ?? answer(q, conversation),
  };
  const deps = createBotDeps(answers, feedback, logger, perMinute);
  return { deps, logger, records, client: new FakeClient() };
}

const mention = (text: string, ts = "1.1", eventId = `E${ts}`) => ({
  event: { channel: "C1", ts, user: "U1", text },
  context: { botUserId: "UBOT" },
  body: { event_id: eventId },
});

describe("handlers", () => {
  it("replies to a mention in its thread and logs nothing on success", async () => {
    const { deps, logger, client } = setup();
    await handleAppMention({ ...mention("<@UBOT> who leads?"), client }, deps);
    expect(client.posted).toHaveLength(1);
    expect(client.posted[0]).toMatchObject({ channel: "C1", thread_ts: "1.1" });
    expect(logger.lines).toEqual([]);
  });

  it.each([
    ["an engine failure", new Error("disk on fire"), ERROR_REPLY, true],
    ["an over-long question", new CiteBotError(ErrorCode.QuestionTooLong, "too long"), TOO_LONG_REPLY, false],
  ])("answers %s with a short constant message", async (_name, error, reply, logged) => {
    const { deps, logger, client } = setup({ answer: async () => Promise.reject(error) });
    await handleAppMention({ ...mention("<@UBOT> q", "2.2", "EvX"), client }, deps);
    expect(client.posted[0]!.text).toBe(reply);
    expect(JSON.stringify(client.posted[0])).not.toContain("disk on fire");
    expect(logger.messages().some((m) => m.includes("disk on fire") && m.includes("EvX"))).toBe(logged);
  });

  it("logs a reply that finally fails with its event id, and does not throw", async () => {
    const { deps, logger, client } = setup();
    client.failPost = true;
    await handleAppMention({ ...mention("<@UBOT> q", "3.3", "EvFail"), client }, deps);
    expect(logger.messages()).toContainEqual(
      expect.stringMatching(/Reply could not be delivered \(event EvFail.*ratelimited/),
    );
  });

  it("reads a thread reply with the thread's topic, and a new thread starts fresh", async () => {
    const calls: Array<[string, string | undefined]> = [];
    const { deps, client } = setup({
      answer: async (q, conversation) => (calls.push([q, conversation?.topic]), answered(q, [`About ${q}.`])),
    });
    await handleAppMention({ ...mention("<@UBOT> Who heads China's delegation?", "5.1"), client }, deps);
    const reply = (ts: string, text: string) => ({
      event: { channel: "C1", ts, thread_ts: "5.1", user: "U2", text },
      context: { botUserId: "UBOT" },
      body: { event_id: `E${ts}` },
    });
    await handleMessage({ ...reply("5.2", "What is his role?"), client }, deps);
    await handleMessage({ ...reply("5.3", "What happened to the 145% tariffs?"), client }, deps);
    await handleMessage({ ...reply("5.4", "And the Chinese ones?"), client }, deps);
    await handleAppMention({ ...mention("<@UBOT> What is his role?", "6.1"), client }, deps);
    expect(calls).toEqual([
      ["Who heads China's delegation?", undefined],
      ["What is his role?", "Who heads China's delegation?"],
      ["What happened to the 145% tariffs?", "Who heads China's delegation?"],
      ["And the Chinese ones?", "What happened to the 145% tariffs?"],
      ["What is his role?", undefined],
    ]);
  });

  it("remembers what a thread was told about its topic, for 'tell me more' asked again", async () => {
    const quoted: string[][] = [];
    const { deps, client } = setup({
      answer: async (q, conversation) => {
        quoted.push([...(conversation?.quoted ?? [])]);
        return q === "Tell me more"
          ? { ...answered(q, [`More ${quoted.length}.`]), followUpTo: conversation?.topic }
          : answered(q, [`About ${q}.`]);
      },
    });
    await handleAppMention({ ...mention("<@UBOT> Who heads China's delegation?", "7.1"), client }, deps);
    const reply = (ts: string, text: string) => ({
      event: { channel: "C1", ts, thread_ts: "7.1", user: "U2", text },
      context: { botUserId: "UBOT" },
      body: { event_id: `E${ts}` },
    });
    await handleMessage({ ...reply("7.2", "Tell me more"), client }, deps);
    await handleMessage({ ...reply("7.3", "Tell me more"), client }, deps);
    await handleMessage({ ...reply("7.4", "What happened to the 145% tariffs?"), client }, deps);
    await handleMessage({ ...reply("7.5", "Tell me more"), client }, deps);
    const key = (text: string) => quotedKey({ source: "corpus/a.txt", text });
    expect(quoted).toEqual([
      [],
      [key("About Who heads China's delegation?.")],
      [key("About Who heads China's delegation?."), key("More 2.")],
      [key("About Who heads China's delegation?."), key("More 2."), key("More 3.")],
      [key("About What happened to the 145% tariffs?.")],
    ]);
  });

  it("after a restart, finds a thread's topic in its earlier messages (people's, not the bot's)", async () => {
    const calls: Array<string | undefined> = [];
    const { deps, client, logger } = setup({
      answer: async (q, conversation) => (calls.push(conversation?.topic), answered(q, ["x"])),
    });
    let reads = 0;
    client.conversations.replies = async () => {
      reads++;
      return {
        messages: [
          { user: "U1", ts: "7.1", text: "<@UBOT> Who heads China's delegation?" },
          { user: "UBOT", bot_id: "B1", ts: "7.15", text: "What is his name? He Lifeng." },
          { user: "U2", ts: "7.2", text: "What is his role?" },
          { user: "U1", ts: "7.9", text: "Who is on the US team?" },
        ],
      };
    };
    await handleMessage(
      {
        event: { channel: "C1", ts: "7.2", thread_ts: "7.1", user: "U2", text: "What is his role?" },
        context: { botUserId: "UBOT" },
        body: { event_id: "E7.2" },
        client,
      },
      deps,
    );
    expect(calls).toEqual(["Who heads China's delegation?"]);
    expect(reads).toBe(1);
    expect(logger.lines).toEqual([]);
  });

  it("carries what a thread was told in its replies' metadata, and reads on from it after a restart", async () => {
    const seen: Array<readonly string[]> = [];
    const answer = async (q: string, conversation?: { topic: string; quoted: readonly string[] }) => {
      seen.push([...(conversation?.quoted ?? [])]);
      return q === "Tell me more"
        ? { ...answered(q, [`More ${seen.length}.`]), followUpTo: conversation?.topic }
        : answered(q, [`About ${q}.`]);
    };
    const before = setup({ answer });
    await handleAppMention(
      { ...mention("<@UBOT> Who heads China's delegation?", "7.1"), client: before.client },
      before.deps,
    );
    const posted = before.client.posted.at(-1) as {
      metadata?: { event_type: string; event_payload: { topic: string; quoted: string } };
    };
    const key = (text: string) => quotedKey({ source: "corpus/a.txt", text });
    expect(posted.metadata).toEqual({
      event_type: "citebot_conversation",
      event_payload: {
        topic: "Who heads China's delegation?",
        quoted: JSON.stringify([key("About Who heads China's delegation?.")]),
      },
    });

    // A restarted bot: nothing remembered; the thread holds the question and the reply with its metadata.
    const after = setup({ answer });
    let readArgs: unknown;
    after.client.conversations.replies = (async (args: unknown) => {
      readArgs = args;
      return {
        messages: [
          { user: "U1", ts: "7.1", text: "<@UBOT> Who heads China's delegation?" },
          { user: "UBOT", bot_id: "B1", ts: "7.15", text: "He Lifeng.", metadata: posted.metadata! },
          { user: "U2", ts: "7.2", text: "Tell me more" },
        ],
      };
    }) as typeof after.client.conversations.replies;
    await handleMessage(
      {
        event: { channel: "C1", ts: "7.2", thread_ts: "7.1", user: "U2", text: "Tell me more" },
        context: { botUserId: "UBOT" },
        body: { event_id: "E7.2" },
        client: after.client,
      },
      after.deps,
    );
    expect(readArgs).toMatchObject({ include_all_metadata: true });
    expect(seen.at(-1)).toEqual([key("About Who heads China's delegation?.")]);
    expect(after.logger.lines).toEqual([]);
  });

  it("after a restart, reads a DM back for its topic, only when the question reads as a follow-up", async () => {
    const calls: Array<string | undefined> = [];
    const { deps, client, logger } = setup({
      answer: async (q, conversation) => (calls.push(conversation?.topic), answered(q, ["x"])),
    });
    // conversations.history lists the newest message first.
    client.history = [
      { user: "UBOT", bot_id: "B1", ts: "8.15", text: "He Lifeng heads the delegation." },
      { user: "U1", ts: "8.1", text: "Who heads China's delegation?" },
      { user: "U1", ts: "7.0", text: "Who is on the US team?" },
    ];
    const dm = (ts: string, text: string) => ({
      event: { channel: "D1", channel_type: "im", ts, user: "U1", text },
      context: { botUserId: "UBOT" },
      body: { event_id: `E${ts}` },
    });
    await handleMessage({ ...dm("8.2", "What is his role?"), client }, deps);
    expect(calls).toEqual(["Who heads China's delegation?"]);
    expect(client.historyReads).toEqual([
      { channel: "D1", latest: "8.2", oldest: String(8.2 - 86_400), limit: 20, include_all_metadata: true },
    ]);
    // Remembered from now on: no second read.
    await handleMessage({ ...dm("8.3", "Why?"), client }, deps);
    expect(calls[1]).toBe("Who heads China's delegation?");
    expect(client.historyReads).toHaveLength(1);

    // A question that stands alone in a DM the bot does not remember costs no read.
    const fresh = setup();
    await handleMessage({ ...dm("9.1", "Who is on the US team?"), client: fresh.client }, fresh.deps);
    expect(fresh.client.historyReads).toHaveLength(0);
    expect(logger.lines).toEqual([]);
  });

  it("answers a DM follow-up alone when the DM cannot be read back, and logs why", async () => {
    const calls: Array<string | undefined> = [];
    const { deps, client, logger } = setup({
      answer: async (q, conversation) => (calls.push(conversation?.topic), answered(q, ["x"])),
    });
    client.conversations.history = async () => {
      throw new Error("An API error occurred: missing_scope");
    };
    await handleMessage(
      {
        event: { channel: "D2", channel_type: "im", ts: "3.1", user: "U1", text: "What is his role?" },
        context: { botUserId: "UBOT" },
        body: { event_id: "E3.1" },
        client,
      },
      deps,
    );
    expect(calls).toEqual([undefined]);
    expect(client.posted).toHaveLength(1);
    expect(logger.messages(LogLevel.WARN)).toEqual([
      expect.stringContaining("Could not read DM D2 for its earlier questions: An API error occurred: missing_scope"),
    ]);
  });

  it("gives the usage hint for an empty mention, with an example question the documents answer plainly", async () => {
    const { deps, client, logger } = setup();
    await handleAppMention({ ...mention("<@UBOT>   "), client }, deps);
    expect(client.posted[0]!.text).toBe(USAGE_HINT(EXAMPLE_PROMPTS[0].message));
    expect(logger.lines).toEqual([]);
  });

  it("replies to help and greetings with the usage hint, without answering them as questions", async () => {
    const asked: string[] = [];
    const { deps, client } = setup({ answer: async (q) => (asked.push(q), answered(q, ["x"])) });
    await handleAppMention({ ...mention("<@UBOT> help", "11.1"), client }, deps);
    await handleAppMention({ ...mention("<@UBOT> hi! :wave:", "11.2"), client }, deps);
    await handleMessage(
      {
        event: { channel: "D1", channel_type: "im", ts: "11.3", user: "U1", text: "What can you do?" },
        context: { botUserId: "UBOT" },
        body: { event_id: "E11.3" },
        client,
      },
      deps,
    );
    const example = EXAMPLE_PROMPTS[0].message;
    expect(client.posted.map((p) => p.text)).toEqual([
      USAGE_HINT(example),
      GREETING_REPLY(example),
      USAGE_HINT(example),
    ]);
    // Only the example questions were put to the engine, once for the index build.
    expect(asked).toEqual(EXAMPLE_PROMPTS.map((p) => p.message));
    expect(client.reacted).not.toContain(WORKING_REACTION);
  });

  it.each([
    ["the first example the documents answer plainly", [false, true, true], EXAMPLE_PROMPTS[1].message],
    ["no example when the documents answer none plainly", [false, false, false], undefined],
  ])("shows in the usage hint %s", async (_name, plain, example) => {
    const { deps, client, logger } = setup({
      answer: async (q) => {
        const i = EXAMPLE_PROMPTS.findIndex((p) => p.message === q);
        return plain[i] ? answered(q, ["Plainly."]) : { ...answered(q, ["Weakly."]), lowConfidence: true };
      },
    });
    await handleAppMention({ ...mention("<@UBOT> help"), client }, deps);
    expect(client.posted[0]!.text).toBe(USAGE_HINT(example));
    expect(logger.lines).toEqual([]);
  });

  it("gives the usage hint without an example when the documents cannot be read, and logs why", async () => {
    const { deps, client, logger } = setup({ sources: async () => Promise.reject(new Error("index/ is damaged")) });
    await handleAppMention({ ...mention("<@UBOT> hello"), client }, deps);
    expect(client.posted[0]!.text).toBe(GREETING_REPLY(undefined));
    expect(logger.messages()).toEqual([expect.stringContaining("index/ is damaged")]);
  });

  it("takes a thanks in a thread it no longer remembers without reading the thread back from Slack", async () => {
    const { deps, client } = setup();
    const read: string[] = [];
    client.conversations.replies = async () => (read.push("replies"), { messages: [] as ThreadMessage[] });
    const inThread = (text: string, ts: string) => {
      const m = mention(text, ts);
      return { ...m, event: { ...m.event, thread_ts: "13.1" }, client };
    };
    await handleAppMention(inThread("<@UBOT> thanks!", "13.2"), deps);
    expect(client.reacted).toEqual([THANKS_REACTION]);
    expect(client.posted).toEqual([]);
    expect(read).toEqual([]);
    // A question there is read with the thread's earlier questions, which are read back.
    await handleAppMention(inThread("<@UBOT> What is his role?", "13.3"), deps);
    expect(read).toHaveLength(1);
  });

  it("takes a thanks in a thread it answered in with a reaction, not another message", async () => {
    const asked: string[] = [];
    const { deps, client, logger } = setup({ answer: async (q) => (asked.push(q), answered(q, ["x"])) });
    await handleAppMention({ ...mention("<@UBOT> Who heads China's delegation?", "12.1"), client }, deps);
    await handleMessage(
      {
        event: { channel: "C1", ts: "12.2", thread_ts: "12.1", user: "U1", text: "thanks! :pray:" },
        context: { botUserId: "UBOT" },
        body: { event_id: "E12.2" },
        client,
      },
      deps,
    );
    expect(asked).toEqual(["Who heads China's delegation?"]);
    expect(client.posted).toHaveLength(1);
    expect(client.reacted).toEqual([WORKING_REACTION, THANKS_REACTION]);
    // Where no reaction can be left, a short reply.
    const responses: Array<Record<string, unknown>> = [];
    await handleAskCommand(
      {
        command: { text: "thank you", user_id: "U1", channel_id: "C1" },
        ack: async () => {},
        respond: async (m) => void responses.push(m),
      },
      deps,
    );
    expect(responses[0]).toMatchObject({ text: THANKS_REPLY });
    expect(logger.lines).toEqual([]);
  });

  it("rate-limits per user: one polite warning, then silence", async () => {
    const { deps, client } = setup(undefined, 1);
    for (let i = 0; i < 4; i++) await handleAppMention({ ...mention("<@UBOT> q", `9.${i}`), client }, deps);
    expect(client.posted.map((p) => p.text)).toEqual([expect.stringContaining("About q"), RATE_LIMITED_REPLY]);
  });

  it.each([
    ["a channel message outside any thread", { channel_type: "channel", ts: "5.1" }],
    ["a thread the bot is not in", { channel_type: "channel", ts: "5.2", thread_ts: "5.0" }],
    ["an edit", { channel_type: "im", ts: "5.3", subtype: "message_changed" }],
    ["a bot", { channel_type: "im", ts: "5.4", bot_id: "B1" }],
    // Its own messages are Bolt's ignoreSelf's to drop, before any handler (tests/slack-e2e.test.ts).
  ])("ignores %s", async (_name, fields) => {
    const { deps, client } = setup();
    await handleMessage(
      {
        event: { channel: "C1", user: "U1", text: "hello", ...fields },
        client,
        context: { botUserId: "UBOT" },
        body: { event_id: `E-${fields.ts}` },
      },
      deps,
    );
    expect(client.posted).toEqual([]);
  });

  describe("an edited question", () => {
    const edit = (ts: string, text: string, previous: string, extra: Record<string, unknown> = {}) => ({
      event: {
        channel: "C1",
        subtype: "message_changed",
        ts: `${ts}9`,
        message: { ts, user: "U1", text, ...extra },
        previous_message: { text: previous },
      },
      context: { botUserId: "UBOT" },
      body: { event_id: `Edit-${ts}-${text}` },
    });

    it("gets its answer worked out again and updated in place, not posted again", async () => {
      const asked: string[] = [];
      const { deps, client, logger } = setup({ answer: async (q) => (asked.push(q), answered(q, [`About ${q}.`])) });
      await handleAppMention({ ...mention("<@UBOT> Who leads the Chinse delegation?", "40.1"), client }, deps);
      await handleMessage(
        {
          ...edit("40.1", "<@UBOT> Who leads the Chinese delegation?", "<@UBOT> Who leads the Chinse delegation?"),
          client,
        },
        deps,
      );
      expect(asked).toEqual(["Who leads the Chinse delegation?", "Who leads the Chinese delegation?"]);
      expect(client.posted).toHaveLength(1);
      expect(client.updated).toEqual([
        expect.objectContaining({
          channel: "C1",
          ts: "900.1",
          text: expect.stringContaining("About Who leads the Chinese delegation?"),
        }),
      ]);
      // Follow-ups in the thread are now read with the edited question.
      expect(deps.conversations.get("C1:40.1")?.topic).toBe("Who leads the Chinese delegation?");
      expect(logger.lines).toEqual([]);
    });

    it("reads a follow-up's edit with the conversation as it was before, and keeps a later question's topic", async () => {
      const topics: Array<string | undefined> = [];
      const { deps, client } = setup({
        answer: async (q, conversation) => (topics.push(conversation?.topic), answered(q, ["x"])),
      });
      await handleAppMention({ ...mention("<@UBOT> Who heads China's delegation?", "41.1"), client }, deps);
      await handleMessage(
        {
          event: { channel: "C1", ts: "41.2", thread_ts: "41.1", user: "U1", text: "What is his rol?" },
          client,
          context: { botUserId: "UBOT" },
          body: { event_id: "E41.2" },
        },
        deps,
      );
      await handleMessage(
        {
          event: { channel: "C1", ts: "41.3", thread_ts: "41.1", user: "U1", text: "Who leads the US side?" },
          client,
          context: { botUserId: "UBOT" },
          body: { event_id: "E41.3" },
        },
        deps,
      );
      await handleMessage(
        { ...edit("41.2", "What is his role?", "What is his rol?", { thread_ts: "41.1" }), client },
        deps,
      );
      // The thread's topic is "Who leads the US side?" by the time of the edit; the edit is read with the one before.
      expect(topics).toEqual([
        undefined,
        "Who heads China's delegation?",
        "Who heads China's delegation?",
        "Who heads China's delegation?",
      ]);
      expect(client.updated.map((u) => u.ts)).toEqual(["900.2"]);
      expect(deps.conversations.get("C1:41.1")?.topic).toBe("Who leads the US side?");
    });

    it.each([
      ["a message it did not answer", edit("42.1", "New text?", "Old text?"), 0],
      [
        "an edit that leaves the text as it was (an unfurl)",
        edit("42.2", "<@UBOT> Who leads?", "<@UBOT> Who leads?"),
        1,
      ],
      ["an edit by an app", edit("42.3", "Who leads now?", "<@UBOT> Who leads?", { bot_id: "B1" }), 1],
      ["an edit that leaves no question (thanks)", edit("42.4", "<@UBOT> thanks!", "<@UBOT> Who leads?"), 1],
      ["an edit that leaves only the mention", edit("42.5", "<@UBOT>", "<@UBOT> Who leads?"), 1],
    ])("ignores %s", async (_name, editEvent, asked) => {
      const questions: string[] = [];
      const { deps, client } = setup({ answer: async (q) => (questions.push(q), answered(q, ["x"])) });
      if (asked) await handleAppMention({ ...mention("<@UBOT> Who leads?", editEvent.event.message.ts), client }, deps);
      await handleMessage({ ...editEvent, client }, deps);
      expect(questions).toHaveLength(asked);
      expect(client.updated).toEqual([]);
    });

    it("keeps the line saying who asked for an answer given through the message shortcut", async () => {
      const { deps, client } = setup();
      await handleMessageShortcut(
        {
          shortcut: { user: { id: "U2" }, channel: { id: "C1" }, message: { ts: "44.1", text: "Who leads?" } },
          ack: async () => {},
          respond: async () => undefined,
          client,
          context: { botUserId: "UBOT" },
        },
        deps,
      );
      await handleMessage({ ...edit("44.1", "Who follows?", "Who leads?"), client }, deps);
      expect((client.updated[0]!.blocks as Block[])[0]).toEqual({
        type: "context",
        elements: [{ type: "mrkdwn", text: ANSWER_REQUESTED_BY("U2") }],
      });
      expect(client.updated[0]!.text).toContain("About Who follows?");
    });

    it("logs an update Slack refuses and keeps the conversation as it was", async () => {
      const { deps, client, logger } = setup();
      await handleAppMention({ ...mention("<@UBOT> Who leads?", "43.1"), client }, deps);
      const before = deps.conversations.get("C1:43.1");
      client.failUpdate = true;
      await handleMessage({ ...edit("43.1", "<@UBOT> Who follows?", "<@UBOT> Who leads?"), client }, deps);
      expect(logger.messages(LogLevel.ERROR)).toEqual([expect.stringContaining("message_not_found")]);
      expect(deps.conversations.get("C1:43.1")).toBe(before);
    });
  });

  it("answers /ask after ack, privately, with a share button; share posts it and removes the private copy", async () => {
    const { deps, client } = setup();
    const order: string[] = [];
    const responses: Array<Record<string, unknown>> = [];
    await handleAskCommand(
      {
        command: { text: "who leads?", user_id: "U1", channel_id: "C1" },
        ack: async () => void order.push("ack"),
        respond: async (m) => void (order.push("respond"), responses.push(m)),
      },
      deps,
    );
    expect(order).toEqual(["ack", "respond"]);
    expect(responses[0]).toMatchObject({ response_type: "ephemeral" });
    const actions = (responses[0]!.blocks as Block[]).find((b) => b.type === "actions")!.elements as Array<{
      action_id: string;
      value: string;
    }>;
    const share = actions.find((a) => a.action_id === "share_answer")!;
    await handleShare(
      {
        ack: async () => {},
        body: { user: { id: "U1" }, channel: { id: "C1" } },
        action: share,
        respond: async (m) => void responses.push(m),
        client,
      },
      deps,
    );
    expect(client.posted[0]).toMatchObject({ channel: "C1" });
    expect(JSON.stringify(client.posted[0]!.blocks)).toContain("Shared by <@U1>");
    expect(responses.at(-1)).toEqual({ delete_original: true });
  });

  it.each([
    ["no question", "", ASK_COMMAND_HINT(EXAMPLE_PROMPTS[0].message)],
    ["help", "help", ASK_COMMAND_HINT(EXAMPLE_PROMPTS[0].message)],
    ["a greeting", "hi", GREETING_REPLY(EXAMPLE_PROMPTS[0].message, ASK_COMMAND_HINT)],
  ])("answers /ask with %s with how to use /ask, not how to mention", async (_name, text, reply) => {
    const { deps } = setup();
    const responses: Array<Record<string, unknown>> = [];
    await handleAskCommand(
      {
        command: { text, user_id: "U1", channel_id: "C1" },
        ack: async () => {},
        respond: async (m) => void responses.push(m),
      },
      deps,
    );
    expect(responses).toEqual([expect.objectContaining({ response_type: "ephemeral", text: reply })]);
    expect(reply).toContain("`/ask who leads the Chinese delegation?`");
    expect(reply).not.toContain("@CiteBot");
  });

  it("tells the sharer when Slack refuses the shared post, keeps the private copy, and logs why", async () => {
    const { deps, client, logger } = setup();
    deps.answersById.set("a1", answered("who leads?", ["He Lifeng."]));
    client.failPost = true;
    const responses: Array<Record<string, unknown>> = [];
    await handleShare(
      {
        ack: async () => {},
        body: { user: { id: "U1" }, channel: { id: "C1" } },
        action: { action_id: "share_answer", value: '{"id":"a1"}' },
        respond: async (m) => void responses.push(m),
        client,
      },
      deps,
    );
    expect(responses).toEqual([{ response_type: "ephemeral", replace_original: false, text: ERROR_REPLY }]);
    expect(logger.messages(LogLevel.ERROR)).toEqual([
      expect.stringContaining("Sharing answer a1 failed: An API error occurred: ratelimited (ratelimited)"),
    ]);
  });

  describe("the message shortcut (Answer in thread)", () => {
    const shortcutArgs = (
      client: FakeClient,
      message: Record<string, unknown>,
      responses: Array<Record<string, unknown>>,
      order: string[] = [],
    ) => ({
      shortcut: { user: { id: "U2" }, channel: { id: "C1" }, message: { ts: "70.1", ...message } as { ts: string } },
      ack: async () => void order.push("ack"),
      respond: async (m: Record<string, unknown>) => void responses.push(m),
      client,
      context: { botUserId: "UBOT" },
    });

    it.each([
      ["a message in the channel", {}, "70.1"],
      ["a reply in a thread", { thread_ts: "69.9" }, "69.9"],
    ])("answers %s in its thread, after ack, and then follows up there", async (_name, where, thread) => {
      const asked: string[] = [];
      const { deps, client, logger } = setup({ answer: async (q) => (asked.push(q), answered(q, ["He Lifeng."])) });
      const order: string[] = [];
      const responses: Array<Record<string, unknown>> = [];
      client.chat.postMessage = async (args) => (order.push("post"), client.posted.push(args), { ok: true });
      await handleMessageShortcut(
        shortcutArgs(client, { text: "Who heads <@UBOT> China's delegation?", user: "U1", ...where }, responses, order),
        deps,
      );
      expect(order).toEqual(["ack", "post"]);
      expect(asked).toEqual(["Who heads China's delegation?"]);
      expect(client.posted[0]).toMatchObject({ channel: "C1", thread_ts: thread });
      expect((client.posted[0]!.blocks as Block[])[0]).toEqual({
        type: "context",
        elements: [{ type: "mrkdwn", text: ANSWER_REQUESTED_BY("U2") }],
      });
      expect(responses).toEqual([]);
      expect(deps.threads.has(`C1:${thread}`)).toBe(true);
      expect(logger.lines).toEqual([]);
    });

    it.each([
      ["no text", { text: "  " }, SHORTCUT_NO_TEXT],
      ["only a mention of the bot", { text: "<@UBOT>" }, SHORTCUT_NO_TEXT],
      ["an app's message", { text: "Deploy finished.", bot_id: "B9" }, SHORTCUT_BOT_MESSAGE],
    ])("tells only the asker when the message has %s, and posts nothing", async (_name, message, notice) => {
      const asked: string[] = [];
      const { deps, client } = setup({ answer: async (q) => (asked.push(q), answered(q, ["x"])) });
      const responses: Array<Record<string, unknown>> = [];
      await handleMessageShortcut(shortcutArgs(client, message, responses), deps);
      expect(responses).toEqual([{ response_type: "ephemeral", replace_original: false, text: notice }]);
      expect([client.posted, asked]).toEqual([[], []]);
    });

    it("answers a message once, however often the shortcut is used on it", async () => {
      const { deps, client } = setup();
      const responses: Array<Record<string, unknown>> = [];
      await handleMessageShortcut(shortcutArgs(client, { text: "Who leads?" }, responses), deps);
      await handleMessageShortcut(shortcutArgs(client, { text: "Who leads?" }, responses), deps);
      expect(client.posted).toHaveLength(1);
      expect(responses.map((r) => r.text)).toEqual([SHORTCUT_ALREADY_ANSWERED]);
    });

    it.each([
      ["not_in_channel", SHORTCUT_CANNOT_POST],
      ["fatal_error", ERROR_REPLY],
    ])("tells the asker privately when Slack refuses the answer (%s), and logs it", async (code, notice) => {
      const { deps, client, logger } = setup();
      client.chat.postMessage = async () =>
        Promise.reject(Object.assign(new Error(`An API error occurred: ${code}`), { data: { error: code } }));
      const responses: Array<Record<string, unknown>> = [];
      await handleMessageShortcut(shortcutArgs(client, { text: "Who leads?" }, responses), deps);
      expect(responses.map((r) => r.text)).toEqual([notice]);
      expect(logger.messages(LogLevel.ERROR)).toEqual([expect.stringContaining(code)]);
    });

    it("tells a user over the rate limit privately instead of posting in the thread", async () => {
      const { deps, client } = setup({}, 1);
      const responses: Array<Record<string, unknown>> = [];
      await handleMessageShortcut(
        {
          ...shortcutArgs(client, { text: "Who leads?" }, responses),
          shortcut: { user: { id: "U2" }, channel: { id: "C1" }, message: { ts: "71.1", text: "Who leads?" } },
        },
        deps,
      );
      await handleMessageShortcut(
        {
          ...shortcutArgs(client, { text: "Who follows?" }, responses),
          shortcut: { user: { id: "U2" }, channel: { id: "C1" }, message: { ts: "71.2", text: "Who follows?" } },
        },
        deps,
      );
      expect(client.posted).toHaveLength(1);
      expect(responses.map((r) => r.text)).toEqual([RATE_LIMITED_REPLY]);
    });
  });

  it("explains when a shared answer has expired", async () => {
    const { deps, client } = setup();
    const responses: Array<Record<string, unknown>> = [];
    await handleShare(
      {
        ack: async () => {},
        body: { user: { id: "U1" }, channel: { id: "C1" } },
        action: { action_id: "share_answer", value: '{"id":"gone"}' },
        respond: async (m) => void responses.push(m),
        client,
      },
      deps,
    );
    expect(responses[0]!.text).toBe(SHARE_EXPIRED);
  });

  it("records feedback before thanking, and says so when it cannot be saved", async () => {
    const { deps, records, client } = setup();
    await handleAppMention({ ...mention("<@UBOT> who leads?", "8.1"), client }, deps);
    const value = (
      (client.posted[0]!.blocks as Block[]).find((b) => b.type === "actions")!.elements as Array<{ value: string }>
    )[0]!.value;
    const responses: Array<Record<string, unknown>> = [];
    const click = {
      ack: async () => {},
      body: { user: { id: "U2" }, channel: { id: "C1" } },
      action: { action_id: "feedback_not_helpful", value },
      respond: async (m: Record<string, unknown>) => void responses.push(m),
      client,
    };
    await handleFeedback(click, deps);
    expect(records[0]).toMatchObject({ vote: "not_helpful", question: "who leads?", user: "U2", channel: "C1" });
    expect(records[0]!.citations[0]).toMatchObject({ n: 1, source: "corpus/a.txt" });

    // An answer no longer in memory is still logged with the question carried by the button.
    await handleFeedback(
      { ...click, action: { action_id: "feedback_helpful", value: buttonValue("forgotten", "what about tariffs?") } },
      deps,
    );
    expect(records[1]).toMatchObject({
      answerId: "forgotten",
      question: "what about tariffs?",
      answer: null,
      citations: [],
    });

    const failing = setup();
    failing.deps.answersById.set("x", answered("q", ["A."]));
    const broken = { ...failing.deps, feedback: { append: async () => Promise.reject(new Error("disk full")) } };
    const failedResponses: Array<Record<string, unknown>> = [];
    await handleFeedback(
      {
        ...click,
        action: { action_id: "feedback_helpful", value: '{"id":"x"}' },
        respond: async (m) => void failedResponses.push(m),
      },
      broken,
    );
    expect(failedResponses[0]!.text).toBe(FEEDBACK_FAILED);
    expect(failing.logger.messages()).toContainEqual(expect.stringContaining("disk full"));
  });

  it("greets a new assistant thread with the usage hint and prompts: examples the documents answer plainly, a summary, what is in them", async () => {
    const { deps, logger } = setup();
    const said: string[] = [];
    const prompts: unknown[] = [];
    await handleAssistantThreadStarted(
      { say: async (m) => void said.push(m), setSuggestedPrompts: async (p) => void prompts.push(p) },
      deps,
    );
    expect(said).toEqual([USAGE_HINT(EXAMPLE_PROMPTS[0].message)]);
    expect(prompts).toEqual([
      {
        prompts: [EXAMPLE_PROMPTS[0], EXAMPLE_PROMPTS[1], SUMMARY_PROMPT, SOURCES_PROMPT].map((p) => ({ ...p })),
        title: PROMPTS_TITLE,
      },
    ]);
    expect(logger.lines).toEqual([]);
  });

  it("suggests no example the documents would refuse or answer only weakly, and asks the engine once per index build", async () => {
    const asked: string[] = [];
    let sources: SourcesOverview = {
      files: [
        { source: "corpus/faq.md", sentences: 4 },
        { source: "corpus/release notes.md", sentences: 9 },
      ],
      builtAt: "2026-11-29T17:00:00.000Z",
    };
    const { deps } = setup({
      answer: async (q) => {
        asked.push(q);
        if (q === EXAMPLE_PROMPTS[1].message) return { ...answered(q, ["Weakly."]), lowConfidence: true };
        return q === EXAMPLE_PROMPTS[2].message
          ? answered(q, ["Plainly."])
          : { kind: "not-found", question: q, answered: false, text: NOT_FOUND_TEXT, citations: [], related: [] };
      },
      sources: async () => sources,
    });
    const start = async () => {
      const shown: Array<{ prompts: Array<{ title: string; message: string }> }> = [];
      await handleAssistantThreadStarted(
        { say: async () => undefined, setSuggestedPrompts: async (p) => void shown.push(p) },
        deps,
      );
      return shown[0]!.prompts.map((p) => p.message);
    };
    expect(await start()).toEqual([
      EXAMPLE_PROMPTS[2].message,
      SUMMARY_PROMPT.message,
      SOURCES_PROMPT.message,
      "Summarize faq.md",
    ]);
    expect(await start()).toHaveLength(MAX_PROMPTS);
    expect(asked).toHaveLength(EXAMPLE_PROMPTS.length);
    sources = { ...sources, builtAt: "2026-11-29T18:00:00.000Z" };
    await start();
    expect(asked).toHaveLength(2 * EXAMPLE_PROMPTS.length);
  });

  it("greets a new assistant thread at once while the engine loads, and suggests prompts once it is ready", async () => {
    let engineReady!: (overview: SourcesOverview) => void;
    const loaded = new Promise<SourcesOverview>((resolve) => (engineReady = resolve));
    const { deps, logger } = setup({ sources: () => loaded });
    const events: string[] = [];
    const started = handleAssistantThreadStarted(
      {
        say: async (m) => void events.push(`say:${m}`),
        setSuggestedPrompts: async (p) => void events.push(`prompts:${p.prompts.map((x) => x.message).join("|")}`),
      },
      { ...deps, engineWaitMs: 0 },
    );
    await vi.waitFor(() => expect(events).toEqual([`say:${USAGE_HINT(undefined)}`]));
    engineReady(SOURCES);
    await started;
    expect(events[1]).toBe(
      `prompts:${[...EXAMPLE_PROMPTS.slice(0, 2), SUMMARY_PROMPT, SOURCES_PROMPT].map((p) => p.message).join("|")}`,
    );
    expect(logger.lines).toEqual([]);
  });

  it("gives the usage hint without waiting for an engine that is still loading", async () => {
    const { deps, client, logger } = setup({ sources: () => new Promise<SourcesOverview>(() => undefined) });
    await handleAppMention({ ...mention("<@UBOT> help"), client }, { ...deps, engineWaitMs: 0 });
    expect(client.posted[0]!.text).toBe(USAGE_HINT(undefined));
    expect(logger.lines).toEqual([]);
  });

  it("checks the examples once when a Home tab and a new assistant thread open together, and again after a failed check", async () => {
    const asked: string[] = [];
    let failing = true;
    const { deps, client } = setup({
      answer: async (q) => {
        asked.push(q);
        if (failing) throw new Error("model busy");
        return answered(q, ["x"]);
      },
    });
    const greet = () =>
      handleAssistantThreadStarted({ say: async () => undefined, setSuggestedPrompts: async () => undefined }, deps);
    await Promise.all([handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, deps), greet()]);
    expect(asked).toHaveLength(EXAMPLE_PROMPTS.length);
    failing = false;
    await Promise.all([handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, deps), greet()]);
    expect(asked).toHaveLength(2 * EXAMPLE_PROMPTS.length);
    expect(JSON.stringify(client.published.at(-1)!.view.blocks)).toContain(
      "`@CiteBot who leads the Chinese delegation?`",
    );
  });

  it("suggests the prompts that always work when the documents cannot be read, and logs why", async () => {
    const { deps, logger } = setup({ sources: async () => Promise.reject(new Error("index/ is damaged")) });
    const shown: Array<{ prompts: unknown[] }> = [];
    await handleAssistantThreadStarted(
      { say: async () => undefined, setSuggestedPrompts: async (p) => void shown.push(p) },
      deps,
    );
    expect(shown[0]!.prompts).toEqual([{ ...SUMMARY_PROMPT }, { ...SOURCES_PROMPT }]);
    expect(logger.messages()).toEqual([expect.stringContaining("index/ is damaged")]);
  });

  it("shows a working status in assistant threads, answers once, and ignores bots", async () => {
    const { deps } = setup();
    const events: string[] = [];
    const args = (ts: string, extra = {}) => ({
      message: { channel: "D1", ts, user: "U1", text: "who leads?", ...extra },
      eventId: `Ev${ts}`,
      say: async (m: { text: string }) => void events.push(`say:${m.text}`),
      setStatus: async (status: string) => void events.push(`status:${status}`),
    });
    await handleAssistantMessage(args("1.1"), deps);
    await handleAssistantMessage(args("1.1"), deps);
    await handleAssistantMessage(args("1.2", { bot_id: "B1" }), deps);
    expect(events).toEqual([`status:${WORKING_STATUS}`, "say:About who leads?. (1 source)"]);
  });

  it("reads a follow-up in an assistant thread with that thread's topic only", async () => {
    const topics: Array<string | undefined> = [];
    const { deps } = setup({
      answer: async (q, conversation) => (topics.push(conversation?.topic), answered(q, ["x"])),
    });
    const ask = (ts: string, thread: string, text: string) =>
      handleAssistantMessage(
        {
          message: { channel: "D1", ts, thread_ts: thread, user: "U1", text },
          eventId: `Ev${ts}`,
          say: async () => undefined,
          setStatus: async () => undefined,
        },
        deps,
      );
    await ask("8.2", "8.1", "Who heads China's delegation?");
    await ask("8.3", "8.1", "What is his role?");
    await ask("9.2", "9.1", "What is his role?");
    expect(topics).toEqual([undefined, "Who heads China's delegation?", undefined]);
  });

  it("after a restart, reads an assistant thread back for a follow-up's topic, and only for a follow-up", async () => {
    const topics: Array<string | undefined> = [];
    const { deps, client } = setup({
      answer: async (q, conversation) => (topics.push(conversation?.topic), answered(q, ["x"])),
    });
    let reads = 0;
    client.conversations.replies = async () => {
      reads++;
      return {
        messages: [
          { user: "U1", ts: "8.2", text: "Who heads China's delegation?" },
          { user: "UBOT", bot_id: "B1", ts: "8.25", text: "He Lifeng." },
        ],
      };
    };
    const ask = (ts: string, thread: string, text: string) =>
      handleAssistantMessage(
        {
          message: { channel: "D1", ts, thread_ts: thread, user: "U1", text },
          eventId: `Ev${ts}`,
          say: async () => undefined,
          setStatus: async () => undefined,
          client,
          botUserId: "UBOT",
        },
        deps,
      );
    await ask("8.3", "8.1", "What is his role?");
    expect([topics, reads]).toEqual([["Who heads China's delegation?"], 1]);
    await ask("9.3", "9.1", "Who is on the US team?");
    expect([topics[1], reads]).toEqual([undefined, 1]);
  });

  it("publishes the Home tab with the documents when someone opens it, and logs nothing", async () => {
    const { deps, client, logger } = setup();
    await handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, deps);
    expect(client.published).toHaveLength(1);
    expect(client.published[0]).toMatchObject({ user_id: "U7", view: { type: "home" } });
    expect(JSON.stringify(client.published[0]!.view.blocks)).toContain("• `corpus/trade.txt` (26 sentences)");
    expect(logger.lines).toEqual([]);
  });

  it("reads the documents again at each opening, so an edited corpus shows", async () => {
    let sources: SourcesOverview = {
      files: [{ source: "corpus/a.md", sentences: 3 }],
      builtAt: "2026-11-29T17:13:06.037Z",
    };
    const { deps, client } = setup({ sources: async () => sources });
    await handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, deps);
    sources = {
      files: [...sources.files, { source: "corpus/b.md", sentences: 4 }],
      builtAt: "2026-11-29T18:00:00.000Z",
    };
    await handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, deps);
    expect(client.published.map((p) => JSON.stringify(p.view.blocks).includes("corpus/b.md"))).toEqual([false, true]);
  });

  it("shows that the documents are being read while the engine starts, then replaces that with the documents", async () => {
    let engineReady!: (overview: SourcesOverview) => void;
    const loaded = new Promise<SourcesOverview>((resolve) => (engineReady = resolve));
    const { deps, client, logger } = setup({ sources: () => loaded });
    const opened = handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, { ...deps, engineWaitMs: 0 });
    await vi.waitFor(() => expect(client.published).toHaveLength(1));
    expect(JSON.stringify(client.published[0]!.view.blocks)).toContain(JSON.stringify(HOME_LOADING).slice(1, -1));
    engineReady({ files: [{ source: "corpus/a.md", sentences: 3 }], builtAt: "2026-11-29T17:13:06.037Z" });
    await opened;
    expect(client.published).toHaveLength(2);
    const shown = JSON.stringify(client.published[1]!.view.blocks);
    expect(shown).toContain("• `corpus/a.md` (3 sentences)");
    expect(shown).not.toContain("Reading the documents");
    expect(logger.lines).toEqual([]);
  });

  it("publishes the Home tab once when the documents are ready in time", async () => {
    const { deps, client } = setup();
    await handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, { ...deps, engineWaitMs: 60_000 });
    expect(client.published).toHaveLength(1);
    expect(JSON.stringify(client.published[0]!.view.blocks)).toContain(
      `\`@CiteBot ${EXAMPLE_PROMPTS[0].message.replace(/^W/, "w")}\``,
    );
  });

  it("lists the documents without an example question when the examples cannot be tried, and logs why", async () => {
    const { deps, client, logger } = setup({ answer: async () => Promise.reject(new Error("model crashed")) });
    await handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, deps);
    const shown = JSON.stringify(client.published[0]!.view.blocks);
    expect(shown).toContain("• `corpus/trade.txt` (26 sentences)");
    expect(shown).toContain(JSON.stringify(HOME_INTRO(undefined)).slice(1, -1));
    expect(logger.lines.map((e) => [e.level, e.message])).toEqual([
      [LogLevel.WARN, expect.stringContaining("model crashed")],
    ]);
  });

  it("leaves the Messages tab alone", async () => {
    const { deps, client } = setup();
    await handleAppHomeOpened({ event: { user: "U7", tab: "messages" }, client }, deps);
    expect(client.published).toEqual([]);
  });

  it("shows the Home tab with a short notice when the documents cannot be read, and logs why", async () => {
    const { deps, client, logger } = setup({ sources: async () => Promise.reject(new Error("index/ is damaged")) });
    await handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, deps);
    const shown = JSON.stringify(client.published[0]!.view.blocks);
    expect(shown).toContain(HOME_UNAVAILABLE);
    expect(shown).not.toContain("damaged");
    expect(logger.lines.map((e) => [e.level, e.message])).toEqual([
      [LogLevel.ERROR, expect.stringContaining("index/ is damaged")],
    ]);
  });

  it("logs a Home tab that Slack refuses, and does not throw", async () => {
    const { deps, client, logger } = setup();
    client.failPublish = true;
    await expect(handleAppHomeOpened({ event: { user: "U7", tab: "home" }, client }, deps)).resolves.toBeUndefined();
    expect(logger.lines.map((e) => [e.level, e.message])).toEqual([
      [LogLevel.ERROR, expect.stringContaining("not_enabled")],
    ]);
  });
});
