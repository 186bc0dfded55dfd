import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportFeedback, redisFeedback } from "../../src/fleet/feedback.js";
import { redisClaims, redisRateLimits } from "../../src/fleet/state.js";
import type { FeedbackRecord } from "../../src/slack/feedback-log.js";
import { announceMissingRedis, REDIS_AVAILABLE, startRedis, type TestRedis } from "../../src/bench/redis-server.js";

announceMissingRedis("the fleet tests");
describe.skipIf(!REDIS_AVAILABLE)("fleet state in Redis", () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  /** A connection per replica. */
  const replica = () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 2 });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
    await redis?.dispose();
  });

  it("lets one replica claim an event, and the same owner again (a re-delivered job), nobody else", async () => {
    const [a, b, c] = [redisClaims(replica()), redisClaims(replica()), redisClaims(replica())];
    expect(await a.firstTime("event:Ev1", "Ev1")).toBe(true);
    expect(await b.firstTime("event:Ev1", "Ev2")).toBe(false);
    expect(await c.firstTime("event:Ev1")).toBe(false);
    expect(await b.firstTime("event:Ev1", "Ev1")).toBe(true); // the same event, run again elsewhere
    expect(await c.firstTime("message:C1:1.1")).toBe(true);
    expect(await a.firstTime("message:C1:1.1")).toBe(false);
  });

  it("forgets a claim after its time", async () => {
    const claims = redisClaims(replica(), 200);
    expect(await claims.firstTime("event:short")).toBe(true);
    expect(await claims.firstTime("event:short")).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await claims.firstTime("event:short")).toBe(true);
  });

  it("rate-limits a user across replicas: the limit, one warning, then silence", async () => {
    const limits = [redisRateLimits(replica(), 5), redisRateLimits(replica(), 5), redisRateLimits(replica(), 5)];
    const decisions = [];
    for (let i = 0; i < 9; i++) decisions.push(await limits[i % 3]!.check("U-rate"));
    expect(decisions).toEqual(["allow", "allow", "allow", "allow", "allow", "warn", "drop", "drop", "drop"]);
    expect(await limits[0]!.check("U-other")).toBe("allow");
    expect(await redisRateLimits(replica(), 0).check("U-rate")).toBe("allow");
  });

  it("keeps every acknowledged feedback click through a Redis crash and restart (appendonly yes), and exports them as JSONL", async () => {
    const record = (i: number): FeedbackRecord => ({
      timestamp: new Date(1_700_000_000_000 + i).toISOString(),
      vote: i % 2 ? "helpful" : "not_helpful",
      answerId: `a${i}`,
      question: `q${i}`,
      answer: null,
      citations: [],
      user: `U${i % 3}`,
      channel: "C1",
    });
    const sinks = [redisFeedback(replica()), redisFeedback(replica()), redisFeedback(replica())];
    await Promise.all(Array.from({ length: 60 }, (_, i) => sinks[i % 3]!.append(record(i))));
    await redis.stop(true); // kill -9: only what was acknowledged and written to the append-only file survives
    await redis.start();
    const reader = replica();
    const lines: string[] = [];
    const count = await exportFeedback(reader, (line) => lines.push(line), 7);
    expect(count).toBe(60);
    expect(lines.every((l) => l.endsWith("\n"))).toBe(true);
    expect(lines.map((l) => (JSON.parse(l) as FeedbackRecord).answerId).sort()).toEqual(
      Array.from({ length: 60 }, (_, i) => `a${i}`).sort(),
    );
  });
});
