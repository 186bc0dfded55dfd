import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readSlackConfig } from "../../src/config.js";
import { bodyShapeProblem, signatureProblem, timestampProblem } from "../../src/slack/verify.js";
import { startSlackBot, type SlackBot } from "../../src/slack/app.js";
import { FakeSlack, signedHeaders } from "../../src/bench/fake-slack.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { testSlackConfig } from "../helpers/slack-config.js";

/** Request authenticity in HTTP mode: every forged or stale request is refused before any handler runs. */
const SECRET = "8f14e45fceea167a5a36dedd4bea2543";
const TOKEN = "xoxb-1234-5678-secrettokenvalue";
const fake = new FakeSlack();
const logger = new FakeLogger();
let bot: SlackBot;
let url: string;
let answered = 0;

beforeAll(async () => {
  await fake.start();
  bot = await startSlackBot({
    config: testSlackConfig(
      { kind: "http", botToken: TOKEN, signingSecret: SECRET },
      fake.apiUrl,
      path.join("/tmp", `citebot-sec-${process.pid}.jsonl`),
    ),
    engine: Promise.resolve({
      answer: async (question: string) => {
        answered++;
        return {
          kind: "not-found" as const,
          question,
          answered: false as const,
          text: "none",
          citations: [],
          related: [],
        };
      },
      manifest: { files: [{ source: "corpus/a.txt", sentences: 1 }], builtAt: "2026-11-29T17:13:06.037Z" },
    }),
    logger,
    port: 0,
  });
  url = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/slack/events`;
  // Bolt checks its token with auth.test at start-up; that call is not caused by any request below.
  for (let i = 0; i < 200 && fake.callsTo("auth.test").length === 0; i++) await new Promise((r) => setTimeout(r, 10));
});

afterAll(async () => {
  await bot.stop();
  await fake.stop();
});

beforeEach(() => {
  fake.calls.length = 0;
  answered = 0;
});

const now = () => Math.floor(Date.now() / 1000);
const sign = (secret: string, ts: number | string, body: string) =>
  `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
const body = JSON.stringify({
  type: "event_callback",
  team_id: "T1",
  api_app_id: "A1",
  event_id: "EvSec",
  event_time: now(),
  authorizations: [{ team_id: "T1", user_id: "UBOT", is_bot: true }],
  event: {
    type: "app_mention",
    user: "U1",
    text: "<@UBOT> hi, who leads the talks?",
    ts: "1.1",
    event_ts: "1.1",
    channel: "C1",
  },
});

const cases: Array<[string, () => { headers: Record<string, string>; payload: string }]> = [
  ["no headers", () => ({ headers: {}, payload: body })],
  ["no signature", () => ({ headers: { "x-slack-request-timestamp": String(now()) }, payload: body })],
  ["no timestamp", () => ({ headers: { "x-slack-signature": sign(SECRET, now(), body) }, payload: body })],
  [
    "empty signature",
    () => ({ headers: { "x-slack-request-timestamp": String(now()), "x-slack-signature": "" }, payload: body }),
  ],
  [
    "signature without v0=",
    () => ({
      headers: { "x-slack-request-timestamp": String(now()), "x-slack-signature": sign(SECRET, now(), body).slice(3) },
      payload: body,
    }),
  ],
  [
    "v1 scheme",
    () => ({
      headers: {
        "x-slack-request-timestamp": String(now()),
        "x-slack-signature": sign(SECRET, now(), body).replace("v0=", "v1="),
      },
      payload: body,
    }),
  ],
  [
    "signature too short",
    () => ({
      headers: {
        "x-slack-request-timestamp": String(now()),
        "x-slack-signature": sign(SECRET, now(), body).slice(0, 40),
      },
      payload: body,
    }),
  ],
  [
    "signature too long",
    () => ({
      headers: { "x-slack-request-timestamp": String(now()), "x-slack-signature": `${sign(SECRET, now(), body)}00` },
      payload: body,
    }),
  ],
  [
    "signature not hex",
    () => ({
      headers: { "x-slack-request-timestamp": String(now()), "x-slack-signature": `v0=${"z".repeat(64)}` },
      payload: body,
    }),
  ],
  ["wrong secret", () => ({ headers: signedHeaders("wrong-secret", body), payload: body })],
  ["secret with a different case", () => ({ headers: signedHeaders(SECRET.toUpperCase(), body), payload: body })],
  ["timestamp 6 minutes old", () => ({ headers: signedHeaders(SECRET, body, now() - 360), payload: body })],
  ["timestamp one hour old", () => ({ headers: signedHeaders(SECRET, body, now() - 3600), payload: body })],
  ["timestamp 10 minutes in the future", () => ({ headers: signedHeaders(SECRET, body, now() + 600), payload: body })],
  [
    "timestamp not a number",
    () => ({
      headers: { "x-slack-request-timestamp": "yesterday", "x-slack-signature": sign(SECRET, "yesterday", body) },
      payload: body,
    }),
  ],
  [
    "replayed body with a new timestamp",
    () => {
      const old = now() - 400;
      return {
        headers: { "x-slack-request-timestamp": String(now()), "x-slack-signature": sign(SECRET, old, body) },
        payload: body,
      };
    },
  ],
  ["body changed after signing", () => ({ headers: signedHeaders(SECRET, body), payload: body.replace("hi", "ho") })],
  ["body with extra whitespace after signing", () => ({ headers: signedHeaders(SECRET, body), payload: `${body} ` })],
  ["signature of an empty body", () => ({ headers: signedHeaders(SECRET, ""), payload: body })],
  [
    "signature over the timestamp only",
    () => ({
      headers: {
        "x-slack-request-timestamp": String(now()),
        "x-slack-signature": `v0=${createHmac("sha256", SECRET).update(String(now())).digest("hex")}`,
      },
      payload: body,
    }),
  ],
  [
    "sha1 instead of sha256",
    () => ({
      headers: {
        "x-slack-request-timestamp": String(now()),
        "x-slack-signature": `v0=${createHmac("sha1", SECRET).update(`v0:${now()}:${body}`).digest("hex")}`,
      },
      payload: body,
    }),
  ],
];

describe("request authenticity (HTTP mode)", () => {
  it.each(cases)("refuses %s with 401, runs no handler and calls no Web API", async (_name, make) => {
    const { headers, payload } = make();
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: payload,
    });
    expect(res.status).toBe(401);
    await bot.idle();
    expect(answered).toBe(0);
    expect(fake.calls).toEqual([]);
  });

  it("accepts the same request correctly signed (the control case)", async () => {
    const fresh = body.replace("EvSec", "EvSecControl");
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...signedHeaders(SECRET, fresh) },
      body: fresh,
    });
    expect(res.status).toBe(200);
    for (let i = 0; i < 100 && answered === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(1);
  });

  it("never writes the token or the signing secret to the logs", () => {
    const logs = logger.lines.map((l) => l.message).join("\n");
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain(SECRET);
  });
});

describe("start-up", () => {
  it.each([
    [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "" }],
    [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "   " }],
  ])("refuses an empty signing secret (%o)", (env) => {
    expect(() => readSlackConfig(env)).toThrow(/SLACK_APP_TOKEN or SLACK_SIGNING_SECRET/);
  });

  it("does not echo secrets in configuration errors", () => {
    let message = "";
    try {
      readSlackConfig({ SLACK_BOT_TOKEN: "not-a-token-SECRET123", SLACK_APP_TOKEN: "also-wrong-SECRET456" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("SLACK_BOT_TOKEN must start with xoxb-");
    expect(message).not.toContain("SECRET123");
    expect(message).not.toContain("SECRET456");
  });
});

describe("timestampProblem", () => {
  it.each([
    [undefined, /missing/],
    ["", /whole number/],
    ["12.5", /whole number/],
    ["-5", /whole number/],
    [["1", "2"], /whole number/],
    ["1000301", /future/],
    ["999699", /older/],
    ["1000300", undefined],
    ["999700", undefined],
    ["1000000", undefined],
    ["01000000", /written plainly/],
    ["0", /written plainly/],
    [" 1000000", /written plainly/],
  ])("%j at t=1000000", (header, expected) => {
    const problem = timestampProblem(header as string | string[] | undefined, 1_000_000);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe("signatureProblem", () => {
  const hex = "0123456789abcdef".repeat(4);
  it.each([
    [undefined, /missing/],
    [`v0=${hex}`, undefined],
    [`v0=${hex}=junk`, /64 lower-case hex/],
    [`v0=${hex}0`, /64 lower-case hex/],
    [`v0=${hex.toUpperCase()}`, /64 lower-case hex/],
    [`v1=${hex}`, /64 lower-case hex/],
    [` v0=${hex}`, /64 lower-case hex/],
    [[`v0=${hex}`, `v0=${hex}`], /64 lower-case hex/],
  ])("%j", (header, expected) => {
    const problem = signatureProblem(header as string | string[] | undefined);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe("bodyShapeProblem", () => {
  it.each([
    [null, /null/],
    [[], /array/],
    [[{ type: "event_callback" }], /array/],
    [1, /number/],
    ["x", /string/],
    [true, /boolean/],
    [{}, undefined],
    [{ type: "event_callback", event: { type: "app_mention" } }, undefined],
    [{ type: "event_callback", event: null }, /event is not an object/],
    [{ type: "event_callback" }, /event is not an object/],
    [{ type: "event_callback", event: [] }, /event is not an object/],
    [{ type: "event_callback", event: {} }, /event has no type/],
    [{ type: "block_actions", actions: null }, /actions/],
    [{ type: "block_actions", actions: [null] }, /actions/],
    [{ type: "block_actions", actions: [{ action_id: "x" }] }, undefined],
    [{ type: "message_action", callback_id: "x", message: null, channel: {} }, /message or channel/],
    [{ type: "shortcut" }, /callback_id/],
    [{ type: "url_verification", challenge: "c" }, undefined],
  ])("%j", (body, expected) => {
    const problem = bodyShapeProblem(body);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
