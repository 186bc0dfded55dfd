import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventCallback, eventually, FakeSlack } from "../../src/bench/fake-slack.js";
import { announceMissingRedis, REDIS_AVAILABLE, startRedis, type TestRedis } from "../../src/bench/redis-server.js";
import { deliverLikeSlack } from "../../src/bench/slack-delivery.js";
import { tempDir } from "../helpers/temp.js";

/**
 * The fleet as it runs: replicas are `npm start` processes (the real model, the real bot) sharing
 * a real Redis. One is killed with SIGKILL while it holds questions it has acknowledged; the others
 * must answer every one of them, and it must come back when restarted.
 */
const SECRET = "kill-secret";
const QUESTIONS = 60;
/** Questions one replica works on at once: at most these can be mid-reply when it dies. */
const CONCURRENCY = 4;

announceMissingRedis("the fleet tests");
describe.skipIf(!REDIS_AVAILABLE)("a replica killed with SIGKILL while it holds acknowledged questions", () => {
  const fake = new FakeSlack();
  let redis: TestRedis;
  let indexDir: string;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    await fake.start();
    fake.realThreads = true;
    indexDir = await tempDir();
  });

  afterAll(async () => {
    for (const child of running) child.kill("SIGKILL");
    await fake.stop();
    await redis?.dispose();
  });

  /** An `npm start` replica; resolves with its port once it says Ready. */
  async function replica(name: string): Promise<{ child: ChildProcess; url: string; log: () => string }> {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("SLACK_") && k !== "REDIS_URL"),
    );
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("src/main.ts")], {
      env: {
        ...clean,
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        REDIS_URL: redis.url,
        FLEET_LOCK_SECONDS: "2",
        PORT: "0",
        INDEX_DIR: indexDir,
        RATE_LIMIT_PER_MINUTE: "0",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    running.push(child);
    let log = "";
    child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`replica ${name} exited:\n${log}`);
        return log.includes("Ready:");
      },
      `replica ${name} ready`,
      2400,
    );
    return { child, url: `http://127.0.0.1:${/on port (\d+)/.exec(log)![1]}`, log: () => log };
  }

  const mention = (i: number) =>
    eventCallback(
      {
        type: "app_mention",
        user: `U${i}`,
        text: `<@UBOT> who heads the Chinese delegation? (${i})`,
        ts: `7000.${String(i).padStart(4, "0")}`,
        channel: "CK",
      },
      `EvKill${i}`,
    );
  const answersPer = () => {
    const counts = new Map<string, number>();
    for (const m of fake.posted)
      if (m.channel === "CK") counts.set(String(m.thread_ts), (counts.get(String(m.thread_ts)) ?? 0) + 1);
    return counts;
  };

  it("loses no acknowledged question; a question is answered twice only if it was mid-reply at the kill", async () => {
    const a = await replica("A");
    // Each Web API call takes 50 ms, as Slack's do, so A still holds work when it dies.
    fake.delayMs = 50;
    const deliveries = [];
    for (let i = 0; i < QUESTIONS; i++)
      deliveries.push(await deliverLikeSlack(mention(i), [a.url], SECRET, { retries: 0 }));
    expect(deliveries.every((d) => d.ackedBy === 0)).toBe(true); // all acknowledged by A
    await eventually(() => answersPer().size >= 5, "A's first answers");
    a.child.kill("SIGKILL");
    await new Promise((resolve) => a.child.once("exit", resolve));
    const answeredByA = answersPer().size;
    expect(answeredByA).toBeLessThan(QUESTIONS); // A died holding acknowledged questions

    const [b, c] = await Promise.all([replica("B"), replica("C")]);
    await eventually(() => answersPer().size === QUESTIONS, "every question answered", 2400);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const counts = answersPer();
    const twice = [...counts.values()].filter((n) => n > 1).length;
    expect(counts.size).toBe(QUESTIONS);
    expect(twice).toBeLessThanOrEqual(CONCURRENCY);
    expect(b.log() + c.log()).toMatch(/Taking over event EvKill\d+/);

    // A comes back and takes work again; nothing answered a second time meanwhile.
    fake.delayMs = 0;
    const restarted = await replica("A again");
    const late = await deliverLikeSlack(mention(QUESTIONS), [restarted.url], SECRET, { retries: 0 });
    expect(late.ackedBy).toBe(0);
    await eventually(() => answersPer().size === QUESTIONS + 1, "the next question");
    expect([...answersPer().values()].filter((n) => n > 1).length).toBe(twice);
  });
});
