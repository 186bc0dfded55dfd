import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSlackBot, type AnswerEngine, type SlackBot } from "../../src/slack/app.js";
import { bodyShapeProblem } from "../../src/slack/verify.js";
import { FEEDBACK_THANKS, SOURCES_PROMPT, SUMMARY_PROMPT, TOO_LONG_REPLY } from "../../src/slack/messages.js";
import { LogLevel } from "../../src/logger.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { eventCallback, eventually, FakeSlack, signedHeaders } from "../../src/bench/fake-slack.js";
import { testSlackConfig } from "../helpers/slack-config.js";
import { testAnswerService } from "../helpers/engine.js";

/**
 * The real Bolt app in HTTP mode on an ephemeral port, the real answer service (with the
 * word-overlap test embedder), and a local fake Slack Web API. Requests are signed exactly as
 * Slack signs them.
 */
const SECRET = "test-signing-secret";
const fake = new FakeSlack();
const logger = new FakeLogger();
let bot: SlackBot;
let baseUrl: string;
let feedbackFile: string;
let root: string;

beforeAll(async () => {
  await fake.start();
  root = await (async () => {
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    return mkdtemp(path.join(tmpdir(), "citebot-e2e-"));
  })();
  feedbackFile = path.join(root, "feedback.jsonl");
  const engine = testAnswerService(root, path.resolve("corpus"), logger);
  bot = await startSlackBot({
    config: testSlackConfig({ kind: "http", botToken: "xoxb-test", signingSecret: SECRET }, fake.apiUrl, feedbackFile, {
      rateLimitPerMinute: 1000,
    }),
    engine,
    logger,
    port: 0,
    apiTimeoutMs: 1_000,
  });
  baseUrl = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}`;
  await engine;
});

afterAll(async () => {
  await bot?.stop();
  await fake.stop();
  const { rm } = await import("node:fs/promises");
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  fake.calls.length = 0;
  fake.threadReplies = [];
  fake.posted.length = 0;
});

let eventCounter = 0;
const eventBody = (event: Record<string, unknown>, eventId = `Ev${++eventCounter}`): string =>
  eventCallback(event, eventId);

async function post(
  body: string,
  contentType = "application/json",
  headers: Record<string, string> = signedHeaders(SECRET, body),
) {
  return fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: { "content-type": contentType, ...headers },
    body,
  });
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const replies = () => fake.callsTo("chat.postMessage");
const blockText = (args: Record<string, unknown>) => JSON.stringify(args.blocks);

describe("Slack bot over HTTP against a fake Slack", () => {
  it("answers url_verification with the challenge", async () => {
    const body = JSON.stringify({ type: "url_verification", challenge: "c-123", token: "legacy" });
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("c-123");
  });

  it("answers an @mention once, in a thread under the question, with cited sources", async () => {
    const res = await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> who heads the Chinese delegation?",
        ts: "100.1",
        channel: "C1",
      }),
    );
    expect(res.status).toBe(200);
    const [reply] = await eventually(() => replies().length > 0 && replies(), "the reply");
    expect(reply!.args).toMatchObject({ channel: "C1", thread_ts: "100.1" });
    expect(blockText(reply!.args)).toContain("[1]");
    expect(blockText(reply!.args)).toContain("corpus/us-china-trade-talks-london.txt:11");
    expect(String(reply!.args.text)).toMatch(/\(\d sources?\)$/);
    expect(fake.callsTo("reactions.add")[0]?.args).toMatchObject({ channel: "C1", timestamp: "100.1" });
    await eventually(() => fake.callsTo("reactions.remove").length > 0, "the working reaction removed");
    expect(replies()).toHaveLength(1);
  });

  it("publishes the Home tab with the indexed documents when a user opens it", async () => {
    const res = await post(
      eventBody({ type: "app_home_opened", user: "U9", channel: "D9", tab: "home", event_ts: "150.1" }),
    );
    expect(res.status).toBe(200);
    const [published] = await eventually(
      () => fake.callsTo("views.publish").length > 0 && fake.callsTo("views.publish"),
      "the Home tab",
    );
    expect(published!.args.user_id).toBe("U9");
    const view = typeof published!.args.view === "string" ? JSON.parse(published!.args.view) : published!.args.view;
    expect(view.type).toBe("home");
    expect(JSON.stringify(view.blocks)).toContain("• `corpus/us-china-trade-talks-london.txt` (26 sentences)");
    expect(replies()).toEqual([]);
  });

  it("answers a DM in the DM", async () => {
    await post(
      eventBody({
        type: "message",
        channel_type: "im",
        user: "U2",
        text: "What tariffs did the U.S. raise to 145%?",
        ts: "200.1",
        channel: "D1",
      }),
    );
    const [reply] = await eventually(() => replies().length > 0 && replies(), "the DM reply");
    expect(reply!.args.channel).toBe("D1");
    expect(reply!.args.thread_ts).toBeUndefined();
    expect(blockText(reply!.args)).toContain("145%");
  });

  it("reads a pronoun follow-up in a thread with the thread's question, and says so", async () => {
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> Who heads China's delegation?",
        ts: "310.1",
        channel: "C3",
      }),
    );
    await eventually(() => replies().length === 1, "the first answer");
    await post(
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U3",
        text: "What is his role?",
        ts: "310.5",
        thread_ts: "310.1",
        channel: "C3",
      }),
    );
    await eventually(() => replies().length === 2, "the follow-up answer");
    expect(replies()[1]!.args).toMatchObject({ channel: "C3", thread_ts: "310.1" });
    expect(blockText(replies()[1]!.args)).toContain('Read as a follow-up to: \\"Who heads China\'s delegation?\\"');
    expect(blockText(replies()[1]!.args)).toContain("corpus/us-china-trade-talks-london.txt:11");
  });

  it("answers a request for a summary with the file's summary, and the thread's next follow-up is still read with its question", async () => {
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> Who heads China's delegation?",
        ts: "320.1",
        channel: "C4",
      }),
    );
    await eventually(() => replies().length === 1, "the first answer");
    await post(
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U3",
        text: "tl;dr?",
        ts: "320.5",
        thread_ts: "320.1",
        channel: "C4",
      }),
    );
    await eventually(() => replies().length === 2, "the summary");
    expect(blockText(replies()[1]!.args)).toContain("Summary of `corpus/us-china-trade-talks-london.txt`:");
    expect(blockText(replies()[1]!.args)).toContain("corpus/us-china-trade-talks-london.txt:1");
    await post(
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U3",
        text: "What is his role?",
        ts: "320.7",
        thread_ts: "320.1",
        channel: "C4",
      }),
    );
    await eventually(() => replies().length === 3, "the follow-up answer");
    expect(blockText(replies()[2]!.args)).toContain('Read as a follow-up to: \\"Who heads China\'s delegation?\\"');
  });

  it("takes a thanks in its thread with a reaction and gives help instead of searching for 'help'", async () => {
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> Who heads China's delegation?",
        ts: "330.1",
        channel: "C5",
      }),
    );
    await eventually(() => replies().length === 1, "the first answer");
    await post(
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U1",
        text: "thanks! :pray:",
        ts: "330.5",
        thread_ts: "330.1",
        channel: "C5",
      }),
    );
    await eventually(() => fake.callsTo("reactions.add").some((c) => c.args.timestamp === "330.5"), "the reaction");
    expect(fake.callsTo("reactions.add").find((c) => c.args.timestamp === "330.5")!.args).toMatchObject({
      channel: "C5",
      name: "slightly_smiling_face",
    });
    await post(eventBody({ type: "app_mention", user: "U1", text: "<@UBOT> help", ts: "331.1", channel: "C5" }));
    await eventually(() => replies().length === 2, "the help reply");
    expect(blockText(replies()[1]!.args)).toContain("Ask me a question about the documents");
  });

  it("answers a follow-up in a thread it answered in, and stays quiet in other threads", async () => {
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> where were the earlier talks held?",
        ts: "300.1",
        channel: "C2",
      }),
    );
    await eventually(() => replies().length === 1, "the first answer");
    await post(
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U3",
        text: "Which minerals does China dominate?",
        ts: "300.5",
        thread_ts: "300.1",
        channel: "C2",
      }),
    );
    await eventually(() => replies().length === 2, "the follow-up answer");
    expect(replies()[1]!.args).toMatchObject({ channel: "C2", thread_ts: "300.1" });

    await post(
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U3",
        text: "Which minerals does China dominate?",
        ts: "400.5",
        thread_ts: "400.1",
        channel: "C2",
      }),
    );
    await eventually(() => fake.callsTo("conversations.replies").length > 0, "the thread check");
    await post(
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U3",
        text: "plain channel chatter",
        ts: "401.0",
        channel: "C2",
      }),
    );
    await bot.idle();
    expect(replies()).toHaveLength(2);
  });

  it("answers once for a retried event and for the app_mention + message pair of one message", async () => {
    const mention = eventBody(
      {
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> who represents the United States?",
        ts: "500.1",
        channel: "C3",
      },
      "EvRetry",
    );
    await post(mention);
    await post(mention, "application/json", {
      ...signedHeaders(SECRET, mention),
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    await post(
      eventBody({
        type: "message",
        channel_type: "im",
        user: "U1",
        text: "<@UBOT> who represents the United States?",
        ts: "500.1",
        channel: "C3",
      }),
    );
    await eventually(() => replies().length > 0, "the answer");
    await bot.idle();
    expect(replies()).toHaveLength(1);
  });

  it("keeps the log level it was given (LOG_LEVEL=debug was reset to info by Bolt)", async () => {
    let level: LogLevel = LogLevel.DEBUG;
    const quiet = {
      ...new FakeLogger(),
      debug() {},
      info() {},
      warn() {},
      error() {},
      setName() {},
      getLevel: () => level,
      setLevel: (l: LogLevel) => void (level = l),
    };
    const other = await startSlackBot({
      config: testSlackConfig(
        { kind: "http", botToken: "xoxb-test", signingSecret: SECRET },
        fake.apiUrl,
        feedbackFile,
        { shutdownGraceMs: 500 },
      ),
      engine: new Promise(() => undefined),
      logger: quiet,
      port: 0,
    });
    await other.stop();
    expect(level).toBe(LogLevel.DEBUG);
  });

  it("ignores its own messages (Bolt's ignoreSelf), other bots and edits", async () => {
    await post(
      eventBody({
        type: "message",
        channel_type: "im",
        user: "UBOT",
        text: "my own answer",
        ts: "600.1",
        channel: "D1",
      }),
    );
    await post(
      eventBody({
        type: "message",
        channel_type: "im",
        bot_id: "B2",
        user: "U9",
        text: "another bot",
        ts: "600.2",
        channel: "D1",
      }),
    );
    await post(
      eventBody({ type: "message", subtype: "message_changed", channel_type: "im", channel: "D1", ts: "600.3" }),
    );
    await bot.idle();
    expect(replies()).toHaveLength(0);
  });

  it("gives a usage hint for an empty mention, with an example question the documents answer", async () => {
    await post(eventBody({ type: "app_mention", user: "U1", text: "<@UBOT>", ts: "650.1", channel: "C1" }));
    const [reply] = await eventually(() => replies().length > 0 && replies(), "the hint");
    expect(String(reply!.args.text)).toContain("Ask me a question");
    expect(String(reply!.args.text)).toMatch(
      /e\.g\. `@CiteBot (who leads the Chinese delegation|how were the tariffs reduced|where are the talks held)\?`/,
    );
  });

  it("answers /ask privately with a share button, after acknowledging at once", async () => {
    const body = form({
      command: "/ask",
      text: "Who heads the Chinese delegation?",
      user_id: "U1",
      channel_id: "C1",
      team_id: "T1",
      response_url: `${fake.baseUrl}/respond/1`,
      trigger_id: "t1",
      token: "legacy",
    });
    const res = await post(body, "application/x-www-form-urlencoded");
    expect(res.status).toBe(200);
    const [response] = await eventually(
      () => fake.callsTo("respond/1").length > 0 && fake.callsTo("respond/1"),
      "the ephemeral answer",
    );
    expect(response!.args).toMatchObject({ response_type: "ephemeral" });
    expect(blockText(response!.args)).toContain("share_answer");
    expect(replies()).toHaveLength(0);
  });

  it("accepts a signed /ask and a signed button click once: the same bytes sent again get 401 and do nothing", async () => {
    const ask = form({
      command: "/ask",
      text: "Who heads the Chinese delegation?",
      user_id: "U9",
      channel_id: "C1",
      team_id: "T1",
      response_url: `${fake.baseUrl}/respond/replay-ask`,
      trigger_id: "t9",
      token: "legacy",
    });
    const askHeaders = signedHeaders(SECRET, ask);
    expect((await post(ask, "application/x-www-form-urlencoded", askHeaders)).status).toBe(200);
    expect((await post(ask, "application/x-www-form-urlencoded", askHeaders)).status).toBe(401);
    await eventually(() => fake.callsTo("respond/replay-ask").length > 0, "the one answer");
    const click = form({
      payload: JSON.stringify({
        type: "block_actions",
        user: { id: "U9" },
        team: { id: "T1" },
        api_app_id: "A1",
        channel: { id: "C1" },
        trigger_id: "t9",
        response_url: `${fake.baseUrl}/respond/replay-click`,
        actions: [
          {
            type: "button",
            action_id: "feedback_helpful",
            block_id: "b1",
            value: JSON.stringify({ id: "none", q: "replayed?" }),
            action_ts: "1.1",
          },
        ],
      }),
    });
    const clickHeaders = signedHeaders(SECRET, click);
    const before = (await readFile(feedbackFile, "utf8").catch(() => ""))
      .split("\n")
      .filter((l) => l.includes('"replayed?"')).length;
    expect((await post(click, "application/x-www-form-urlencoded", clickHeaders)).status).toBe(200);
    for (let i = 0; i < 2; i++)
      expect((await post(click, "application/x-www-form-urlencoded", clickHeaders)).status).toBe(401);
    await eventually(() => fake.callsTo("respond/replay-click").length > 0, "the thanks");
    const lines = (await readFile(feedbackFile, "utf8")).split("\n").filter((l) => l.includes('"replayed?"'));
    expect(lines.length - before).toBe(1);
    expect(fake.callsTo("respond/replay-ask")).toHaveLength(1);
    expect(logger.messages()).toContain(
      "Refused a request to /slack/events: its signature was already accepted (a replay).",
    );
  });

  it("updates its answer in place when the question is edited", async () => {
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> Who heads the Chinese delegation?",
        ts: "740.1",
        channel: "C7",
      }),
    );
    const [first] = await eventually(
      () => replies().some((r) => r.args.channel === "C7") && replies().filter((r) => r.args.channel === "C7"),
      "the first answer",
    );
    const edited = {
      type: "message",
      subtype: "message_changed",
      channel: "C7",
      channel_type: "channel",
      hidden: true,
      ts: "740.5",
      event_ts: "740.5",
      message: {
        type: "message",
        user: "U1",
        text: "<@UBOT> What did China restrict?",
        ts: "740.1",
        edited: { user: "U1", ts: "740.5" },
      },
      previous_message: { type: "message", user: "U1", text: "<@UBOT> Who heads the Chinese delegation?", ts: "740.1" },
    };
    await post(eventBody(edited));
    const [update] = await eventually(
      () => fake.callsTo("chat.update").length > 0 && fake.callsTo("chat.update"),
      "the updated answer",
    );
    expect(update!.args).toMatchObject({ channel: "C7", ts: (first!.response as { ts: string }).ts });
    expect(blockText(update!.args)).toContain("critical minerals");
    expect(replies().filter((r) => r.args.channel === "C7")).toHaveLength(1);
  });

  it("answers a message in its thread when someone picks Answer in thread from its menu", async () => {
    const payload = JSON.stringify({
      type: "message_action",
      callback_id: "answer_in_thread",
      user: { id: "U5" },
      team: { id: "T1" },
      channel: { id: "C6" },
      message: { type: "message", user: "U4", ts: "720.1", text: "Who heads the Chinese delegation?" },
      trigger_id: "t3",
      response_url: `${fake.baseUrl}/respond/3`,
      token: "legacy",
      action_ts: "720.5",
    });
    const res = await post(form({ payload }), "application/x-www-form-urlencoded");
    expect(res.status).toBe(200);
    const [reply] = await eventually(
      () => replies().some((r) => r.args.channel === "C6") && replies().filter((r) => r.args.channel === "C6"),
      "the answer in the thread",
    );
    expect(reply!.args).toMatchObject({ channel: "C6", thread_ts: "720.1" });
    expect(blockText(reply!.args)).toContain("corpus/us-china-trade-talks-london.txt:11");
    expect(fake.callsTo("respond/3")).toEqual([]);
  });

  it("records a feedback click with question, answer and citations, then thanks the user", async () => {
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> who heads the Chinese delegation?",
        ts: "700.1",
        channel: "C1",
      }),
    );
    const [reply] = await eventually(() => replies().length > 0 && replies(), "the answer");
    const actions = (
      reply!.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>
    ).find((b) => b.type === "actions")!;
    const helpful = actions.elements!.find((e) => e.action_id === "feedback_helpful")!;
    const payload = JSON.stringify({
      type: "block_actions",
      user: { id: "U7" },
      team: { id: "T1" },
      api_app_id: "A1",
      channel: { id: "C1" },
      container: { type: "message", channel_id: "C1", message_ts: "700.2" },
      trigger_id: "t2",
      response_url: `${fake.baseUrl}/respond/2`,
      actions: [
        { type: "button", action_id: "feedback_helpful", block_id: "b1", value: helpful.value, action_ts: "700.3" },
      ],
    });
    const res = await post(form({ payload }), "application/x-www-form-urlencoded");
    expect(res.status).toBe(200);
    const [thanks] = await eventually(
      () => fake.callsTo("respond/2").length > 0 && fake.callsTo("respond/2"),
      "the thanks",
    );
    expect(thanks!.args.text).toBe(FEEDBACK_THANKS);
    const lines = (await readFile(feedbackFile, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({
      vote: "helpful",
      user: "U7",
      channel: "C1",
      question: "who heads the Chinese delegation?",
    });
    expect(lines.at(-1).citations[0]).toMatchObject({ n: 1, lineStart: 11 });
    expect(lines.at(-1).answer).toContain("[1]");
  });

  it.each([
    ["a wrong signature", (body: string) => ({ ...signedHeaders("not-the-secret", body) })],
    [
      "a timestamp older than 5 minutes",
      (body: string) => signedHeaders(SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60),
    ],
    ["no signature", () => ({})],
    [
      "a valid signature with =junk appended",
      (body: string) => {
        const headers = signedHeaders(SECRET, body);
        return { ...headers, "x-slack-signature": `${headers["x-slack-signature"]}=junk` };
      },
    ],
    [
      "a valid timestamp written with a leading zero",
      (body: string) => {
        const now = Math.floor(Date.now() / 1000);
        return { ...signedHeaders(SECRET, body, now), "x-slack-request-timestamp": `0${now}` };
      },
    ],
  ])("rejects a request with %s: 401 and no Web API call", async (_name, headers) => {
    const body = eventBody({
      type: "app_mention",
      user: "U1",
      text: "<@UBOT> who heads the delegation?",
      ts: "800.1",
      channel: "C1",
    });
    const res = await post(body, "application/json", headers(body));
    expect(res.status).toBe(401);
    await bot.idle();
    expect(fake.calls).toEqual([]);
  });

  // Bolt reads a property of whatever body it parses: `null` threw outside any handler (an unhandled
  // rejection, which stops Node) and the others were never answered.
  it.each([
    ["JSON null", "null", "application/json"],
    ["a JSON array", "[]", "application/json"],
    ["a JSON number", "1", "application/json"],
    ["a null interaction payload", "payload=null", "application/x-www-form-urlencoded"],
    [
      "an event callback with event: null",
      JSON.stringify({ type: "event_callback", event_id: "EvNull", event: null }),
      "application/json",
    ],
    [
      "a button click with actions: null",
      form({ payload: JSON.stringify({ type: "block_actions", actions: null, user: { id: "U1" } }) }),
      "application/x-www-form-urlencoded",
    ],
  ])("answers a signed request whose body is %s with 400, and keeps serving", async (_name, body, contentType) => {
    const errorsBefore = logger.messages(LogLevel.ERROR).length;
    const res = await post(body, contentType);
    expect(res.status).toBe(400);
    const parsed = contentType.includes("json")
      ? JSON.parse(body)
      : JSON.parse(new URLSearchParams(body).get("payload")!);
    expect(logger.messages()).toContain("Refused a signed request to /slack/events: " + bodyShapeProblem(parsed) + ".");
    expect(logger.messages(LogLevel.ERROR)).toHaveLength(errorsBefore);
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> who heads the Chinese delegation?",
        ts: `850.${body.length}`,
        channel: "C1",
      }),
    );
    await eventually(() => replies().length === 1, "the next question's answer");
  });

  it("answers a body over Bolt's 4 MB limit with 413 and closes that connection, and keeps serving", async () => {
    const res = await post(JSON.stringify({ type: "event_callback", padding: "x".repeat(5 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    // Spaced unlike the same bodies above, so not a replay of them (a replay gets 401).
    for (const body of ["[ ]", " null"]) expect((await post(body)).status).toBe(400);
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> who heads the Chinese delegation?",
        ts: "860.1",
        channel: "C1",
      }),
    );
    await eventually(() => replies().length === 1, "the next question's answer");
  });

  it.each([
    [
      "a 429 with Retry-After",
      "429",
      { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": "1" } },
    ],
    ["a 500", "500", { status: 500, body: { ok: false, error: "internal_error" } }],
    ["a dropped connection", "999", { drop: true as const }],
    ["a call that never answers (timeout)", "998", { hang: true as const }],
  ])("retries a reply after %s and delivers it once", async (_name, tag, failure) => {
    fake.failures.set("chat.postMessage", [failure]);
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> who heads the Chinese delegation?",
        ts: `900.${tag}`,
        channel: "C9",
      }),
    );
    const delivered = await eventually(() => {
      const ok = replies().filter((c) => c.args.channel === "C9");
      return ok.length === 2 && ok;
    }, "the retried reply");
    expect(delivered.map((c) => c.args.thread_ts)).toEqual([`900.${tag}`, `900.${tag}`]);
    await bot.idle();
    expect(replies()).toHaveLength(2); // the failed attempt and the delivered one
  });

  it("does not post a reply twice when the post that timed out had reached Slack: it finds it in the thread", async () => {
    fake.failures.set("chat.postMessage", [{ hang: true, posted: true }]);
    await post(
      eventBody({
        type: "app_mention",
        user: "U1",
        text: "<@UBOT> who heads the Chinese delegation?",
        ts: "910.1",
        channel: "C10",
      }),
    );
    await eventually(
      () => logger.messages().some((m) => m.includes("got no response from Slack but was posted")),
      "the check of the thread",
    );
    expect(fake.callsTo("conversations.replies").map((c) => c.args)).toContainEqual(
      expect.objectContaining({ channel: "C10", ts: "910.1" }),
    );
    expect(fake.posted.filter((m) => m.responseLost && m.channel === "C10")).toHaveLength(1);
    // Nothing else goes out: once the handler is done (the client's retries included), one reply is all there is.
    await bot.idle();
    expect(replies().filter((c) => c.args.channel === "C10")).toHaveLength(1);
    expect(logger.messages(LogLevel.ERROR).filter((m) => m.includes("C10"))).toEqual([]);
  });

  it("posts again, once, when the post that timed out is not in the conversation (a DM, read with conversations.history)", async () => {
    fake.failures.set("chat.postMessage", [{ hang: true }]);
    await post(
      eventBody({
        type: "message",
        channel_type: "im",
        user: "U1",
        text: "who heads the Chinese delegation?",
        ts: "920.1",
        channel: "D20",
      }),
    );
    const delivered = await eventually(() => {
      const sent = replies().filter((c) => c.args.channel === "D20");
      return sent.length === 2 && sent;
    }, "the second try");
    expect(fake.callsTo("conversations.history").map((c) => c.args)).toContainEqual(
      expect.objectContaining({ channel: "D20", oldest: "920.1" }),
    );
    expect(delivered[1]!.args.text).toBe(delivered[0]!.args.text);
  });

  it("greets a new assistant thread with suggested prompts", async () => {
    await post(
      eventBody({
        type: "assistant_thread_started",
        assistant_thread: { user_id: "U1", channel_id: "D5", thread_ts: "950.1", context: {} },
        ts: "950.2",
      }),
    );
    const [prompts] = await eventually(
      () =>
        fake.callsTo("assistant.threads.setSuggestedPrompts").length > 0 &&
        fake.callsTo("assistant.threads.setSuggestedPrompts"),
      "suggested prompts",
    );
    expect(prompts!.args).toMatchObject({ channel_id: "D5", thread_ts: "950.1" });
    const suggested = (
      typeof prompts!.args.prompts === "string" ? JSON.parse(prompts!.args.prompts) : prompts!.args.prompts
    ) as Array<{ message: string }>;
    expect(suggested.map((p) => p.message)).toEqual(
      expect.arrayContaining([SUMMARY_PROMPT.message, SOURCES_PROMPT.message]),
    );
    expect(suggested.length).toBeLessThanOrEqual(4);
    expect(replies()[0]?.args).toMatchObject({ channel: "D5", thread_ts: "950.1" });
  });

  it("answers in an assistant thread with a working status", async () => {
    await post(
      eventBody({
        type: "message",
        channel_type: "im",
        user: "U1",
        text: "Who heads the Chinese delegation?",
        ts: "960.2",
        thread_ts: "960.1",
        channel: "D6",
      }),
    );
    const [reply] = await eventually(() => replies().length > 0 && replies(), "the assistant answer");
    expect(reply!.args).toMatchObject({ channel: "D6", thread_ts: "960.1" });
    expect(blockText(reply!.args)).toContain("[1]");
    expect(fake.callsTo("assistant.threads.setStatus")[0]?.args).toMatchObject({
      channel_id: "D6",
      thread_ts: "960.1",
    });
  });

  it("is alive on GET /healthz and ready on GET /readyz, reporting only what HTTP mode has", async () => {
    const live = await fetch(`${baseUrl}/healthz`);
    expect([live.status, await live.json()]).toEqual([200, { alive: true }]);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { ready: true, engine: "ready", slackAuth: "ok", reasons: [] },
    ]);
  });

  it("serves Prometheus metrics: questions by outcome, latency, duplicates, replays, the index", async () => {
    const body = eventBody({
      type: "app_mention",
      user: "U5",
      text: "<@UBOT> who heads the Chinese delegation?",
      ts: "990.1",
      channel: "C90",
    });
    const headers = signedHeaders(SECRET, body);
    await post(body, "application/json", headers);
    expect((await post(body, "application/json", headers)).status).toBe(401); // the same signed request again: a replay
    await eventually(() => replies().some((c) => c.args.channel === "C90"), "the answer");
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const value = (line: RegExp) => Number(new RegExp(`^${line.source} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value(/citebot_questions_total\{outcome="answered"\}/)).toBeGreaterThanOrEqual(1);
    expect(value(/citebot_replays_refused_total/)).toBeGreaterThanOrEqual(1);
    expect(value(/citebot_event_to_reply_seconds_count/)).toBeGreaterThanOrEqual(1);
    expect(value(/citebot_index_sentences/)).toBe(26);
    expect(value(/citebot_work_queued/)).toBe(0);
    expect(text).toMatch(/^citebot_duplicates_dropped_total \d+$/m);
    expect(text).toMatch(/^citebot_rate_limited_total \d+$/m);
    expect(text).toMatch(/^citebot_work_in_flight \d+$/m);
    expect(value(/citebot_index_age_seconds/)).toBeGreaterThan(0);
  });
});

describe("before the index is loaded", () => {
  const MANIFEST = { files: [{ source: "corpus/a.txt", sentences: 1 }], builtAt: "2026-11-29T17:13:06.037Z" };

  /** A bot whose engine is still loading until `ready` is called; stopped after `run`. */
  async function withLoadingEngine(
    run: (bot: { url: string; ready: (engine: AnswerEngine) => void; engine: Promise<AnswerEngine> }) => Promise<void>,
  ) {
    let ready!: (engine: AnswerEngine) => void;
    const engine = new Promise<AnswerEngine>((resolve) => (ready = resolve));
    const early = await startSlackBot({
      config: testSlackConfig(
        { kind: "http", botToken: "xoxb-test", signingSecret: SECRET },
        fake.apiUrl,
        feedbackFile,
      ),
      engine,
      logger: new FakeLogger(),
      port: 0,
    });
    try {
      await run({ url: `http://127.0.0.1:${(early.server!.address() as AddressInfo).port}`, ready, engine });
    } finally {
      await early.stop();
    }
  }

  it("answers 503 on /readyz until the engine is ready, then 200; /healthz is 200 throughout", () =>
    withLoadingEngine(async ({ url, ready, engine }) => {
      const before = await fetch(`${url}/readyz`);
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({
        ready: false,
        engine: "loading",
        reasons: expect.arrayContaining(["the index is loading"]),
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      ready({ answer: () => Promise.reject(new Error("unused")), manifest: MANIFEST });
      await engine;
      await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, "ready");
    }));

  it("says a question is too long at once, while the documents are still being read", () =>
    withLoadingEngine(async ({ url }) => {
      const body = eventBody({
        type: "app_mention",
        user: "U1",
        text: `<@UBOT> ${"why ".repeat(600)}`,
        ts: "170.1",
        channel: "C77",
      });
      const res = await fetch(`${url}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/json", ...signedHeaders(SECRET, body) },
        body,
      });
      expect(res.status).toBe(200);
      const [reply] = await eventually(() => {
        const sent = replies().filter((c) => c.args.channel === "C77");
        return sent.length > 0 && sent;
      }, "the too-long notice, with the engine never ready");
      expect(reply!.args.text).toBe(TOO_LONG_REPLY);
    }));

  it("shows on the Home tab that the documents are being read, then lists them once the engine is ready", () =>
    withLoadingEngine(async ({ url, ready }) => {
      const body = eventBody({ type: "app_home_opened", user: "U77", channel: "D77", tab: "home", event_ts: "160.1" });
      const res = await fetch(`${url}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/json", ...signedHeaders(SECRET, body) },
        body,
      });
      expect(res.status).toBe(200);
      const views = () =>
        fake
          .callsTo("views.publish")
          .filter((c) => c.args.user_id === "U77")
          .map((c) => JSON.stringify(c.args.view));
      await eventually(() => views().length === 1, "the Home tab while the documents are read");
      expect(views()[0]).toContain("Reading the documents");
      ready({
        answer: async (question) => ({
          kind: "not-found" as const,
          question,
          answered: false as const,
          text: "",
          citations: [],
          related: [],
        }),
        manifest: MANIFEST,
      });
      await eventually(() => views().length === 2, "the Home tab with the documents");
      expect(views()[1]).toContain("corpus/a.txt");
      expect(views()[1]).not.toContain("Reading the documents");
    }));
});
