import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventCallback, eventually, FakeSlack, signedHeaders } from "../../src/bench/fake-slack.js";
import { createFleet, type Fleet } from "../../src/fleet/fleet.js";
import { RATE_LIMITED_REPLY } from "../../src/slack/messages.js";
import { startSlackBot, type SlackBot } from "../../src/slack/app.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { announceMissingRedis, REDIS_AVAILABLE, startRedis, type TestRedis } from "../../src/bench/redis-server.js";
import { deliverLikeSlack } from "../../src/bench/slack-delivery.js";
import { tempDir } from "../helpers/temp.js";
import { testSlackConfig } from "../helpers/slack-config.js";
import { testAnswerService } from "../helpers/engine.js";

/**
 * Three replicas of the real bot (HTTP mode, in this process) sharing one real Redis, the real
 * answer service, and a fake Slack whose threads hold what was posted.
 */
const SECRET = "fleet-secret";
const RATE_LIMIT = 20;

announceMissingRedis("the fleet tests");
describe.skipIf(!REDIS_AVAILABLE)("a fleet of three replicas on one Redis", () => {
  const fake = new FakeSlack();
  let redis: TestRedis;
  const bots: SlackBot[] = [];
  const fleets: Fleet[] = [];
  const urls: string[] = [];
  const logger = new FakeLogger();

  beforeAll(async () => {
    redis = await startRedis();
    await fake.start();
    fake.realThreads = true;
    const root = await tempDir();
    const engine = testAnswerService(root, path.resolve("corpus"));
    for (let i = 0; i < 3; i++) {
      const fleet = createFleet({ redisUrl: redis.url, rateLimitPerMinute: RATE_LIMIT, lockMs: 2_000 }, logger);
      fleets.push(fleet);
      const bot = await startSlackBot({
        config: testSlackConfig(
          { kind: "http", botToken: "xoxb-test", signingSecret: SECRET },
          fake.apiUrl,
          path.join(root, "unused.jsonl"),
          { rateLimitPerMinute: RATE_LIMIT, redisUrl: redis.url, fleetLockMs: 2_000 },
        ),
        engine,
        logger,
        port: 0,
        fleet,
      });
      bots.push(bot);
      urls.push(`http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}`);
    }
    await Promise.all(bots.map((b) => b.verified));
    await engine;
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop(1_000)));
    await fake.stop();
    await redis?.dispose();
  });

  beforeEach(() => {
    fake.calls.length = 0;
  });

  let counter = 0;
  const event = (fields: Record<string, unknown>, eventId = `EvF${++counter}`) => eventCallback(fields, eventId);
  const post = (replica: number, body: string, headers: Record<string, string> = signedHeaders(SECRET, body)) =>
    fetch(`${urls[replica]}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  const repliesIn = (channel: string) => fake.posted.filter((m) => m.channel === channel);
  /** Every replica idle and no event waiting in the queue: whatever was acknowledged has been dealt with. */
  const settled = async () => {
    await eventually(
      async () => (await Promise.all(fleets.map((f) => f.queue.waiting()))).every((n) => n === 0),
      "an empty queue",
    );
    await Promise.all(bots.map((b) => b.idle()));
  };

  it("is ready on every replica, reporting Redis", async () => {
    for (const url of urls) {
      const res = await fetch(`${url}/readyz`);
      expect([res.status, await res.json()]).toEqual([
        200,
        { ready: true, engine: "ready", slackAuth: "ok", redis: "up", reasons: [] },
      ]);
    }
  });

  it("answers an event once when Slack's delivery, its retry and a stray copy land on all three replicas", async () => {
    const body = event({
      type: "app_mention",
      user: "U1",
      text: "<@UBOT> who heads the Chinese delegation?",
      ts: "100.1",
      channel: "CF1",
    });
    // One clock reading for all three: read per request, two could fall in the same second across a tick and share a signature.
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++)
      expect(
        (
          await post(i, body, {
            ...signedHeaders(SECRET, body, now - i),
            ...(i > 0 ? { "x-slack-retry-num": String(i) } : {}),
          })
        ).status,
      ).toBe(200);
    await eventually(() => repliesIn("CF1").length > 0, "the answer");
    await settled();
    expect(repliesIn("CF1")).toHaveLength(1);
    expect(String(repliesIn("CF1")[0]!.text)).toContain("He Lifeng");
  });

  it("answers a message once when its app_mention and its message twin land on different replicas", async () => {
    const fields = {
      user: "U1",
      text: "<@UBOT> who heads the Chinese delegation?",
      ts: "200.1",
      channel: "DF2",
      channel_type: "im",
    };
    await post(0, event({ type: "message", ...fields }));
    await post(1, event({ type: "app_mention", ...fields }));
    await eventually(() => repliesIn("DF2").length > 0, "the answer");
    await settled();
    expect(repliesIn("DF2")).toHaveLength(1);
  });

  it("answers a thread follow-up on a replica that never saw the thread, read from Slack", async () => {
    await post(
      0,
      event({
        type: "app_mention",
        user: "U3",
        text: "<@UBOT> who heads the Chinese delegation?",
        ts: "300.1",
        channel: "CF3",
      }),
    );
    await eventually(() => repliesIn("CF3").length === 1, "the first answer");
    // No mention: answered only because the bot is in the thread, which replica 2 learns from conversations.replies.
    await post(
      2,
      event({
        type: "message",
        user: "U3",
        text: "What is his role?",
        ts: "300.5",
        thread_ts: "300.1",
        channel: "CF3",
        channel_type: "channel",
      }),
    );
    await eventually(() => repliesIn("CF3").length === 2, "the follow-up's answer");
    expect(repliesIn("CF3")[1]!.thread_ts).toBe("300.1");
    expect(fake.callsTo("conversations.replies").some((c) => c.args.channel === "CF3")).toBe(true);
  });

  it("rate-limits a user across the fleet: 25 questions in a minute at a limit of 20 give 20 answers and one notice", async () => {
    for (let i = 0; i < 25; i++) {
      await post(
        i % 3,
        event({
          type: "message",
          channel_type: "im",
          user: "U-busy",
          text: `who heads the Chinese delegation? (${i})`,
          ts: `400.${i + 1}`,
          channel: "DF4",
        }),
      );
    }
    await eventually(() => repliesIn("DF4").length >= 21, "the answers");
    await settled();
    const texts = repliesIn("DF4").map((m) => String(m.text));
    expect(texts).toHaveLength(21);
    expect(texts.filter((t) => t === RATE_LIMITED_REPLY)).toHaveLength(1);
  });

  it("refuses a signed request replayed to another replica", async () => {
    const body = event({
      type: "app_mention",
      user: "U5",
      text: "<@UBOT> who heads the Chinese delegation?",
      ts: "500.1",
      channel: "CF5",
    });
    const headers = signedHeaders(SECRET, body);
    expect((await post(0, body, headers)).status).toBe(200);
    expect((await post(1, body, headers)).status).toBe(401);
    expect((await post(2, body, headers)).status).toBe(401);
  });

  it("says 503 on /readyz while Redis is away, takes no event it cannot store, and answers it after Redis is back", async () => {
    await redis.stop(true);
    await eventually(
      async () =>
        (await Promise.all(urls.map(async (u) => (await fetch(`${u}/readyz`)).status))).every((s) => s === 503),
      "not ready",
    );
    const ready = await (await fetch(`${urls[0]}/readyz`)).json();
    expect(ready).toMatchObject({ ready: false, redis: "down" });
    const body = event({
      type: "app_mention",
      user: "U6",
      text: "<@UBOT> who heads the Chinese delegation?",
      ts: "600.1",
      channel: "CF6",
    });
    // Slack tries each replica; none can store the event, so none acknowledges it.
    const refused = await deliverLikeSlack(body, urls, SECRET, { retries: 2, ackWithinMs: 3_000 });
    expect(refused.ackedBy).toBeUndefined();
    await redis.start();
    await eventually(
      async () =>
        (await Promise.all(urls.map(async (u) => (await fetch(`${u}/readyz`)).status))).every((s) => s === 200),
      "ready again",
      800,
    );
    // Slack's later retry is taken and answered, once.
    const taken = await deliverLikeSlack(body, urls, SECRET, { first: 1 });
    expect(taken.ackedBy).toBeDefined();
    await eventually(() => repliesIn("CF6").length > 0, "the answer", 800);
    await settled();
    expect(repliesIn("CF6")).toHaveLength(1);
  });
});
