/**
 * `npm run stress -- --fleet N`: the bot as replicas (`npm start` processes) sharing one Redis of
 * its own, behind a "load balancer" that delivers like Slack: each question's app_mention to one
 * replica, its `message` twin to another, every tenth event retried to a third, and an event a
 * replica does not acknowledge (it is down) sent on to the next. With N > 1, one replica is killed
 * with SIGKILL halfway through and restarted. Counted from what reaches the fake Slack: questions
 * answered once, twice (a duplicate) or never (lost), and event -> reply latency; the same load on
 * one process without Redis is the baseline.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { median, percentile } from "../eval/metrics.js";
import { eventCallback, FakeSlack } from "./fake-slack.js";
import { launchArgs } from "./launch-args.js";
import { REDIS_AVAILABLE, startRedis, type TestRedis } from "./redis-server.js";
import { deliverLikeSlack } from "./slack-delivery.js";

const SECRET = "fleet-bench-secret";
const IN_FLIGHT = 20;

export interface FleetRun {
  readonly name: string;
  readonly questions: number;
  readonly eventsSent: number;
  readonly once: number;
  readonly duplicated: number;
  readonly lost: number;
  readonly replyMs: readonly number[];
  /** Questions sent and not yet answered when a replica was killed (some of them held by it). */
  readonly heldAtKill: number;
}

interface Replica {
  child: ChildProcess;
  url: string;
}

async function startReplica(env: Record<string, string>, log: (line: string) => void): Promise<Replica> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("SLACK_") && k !== "REDIS_URL"),
  );
  const child = spawn(process.execPath, launchArgs("main"), {
    env: { ...clean, ...env, PORT: "0", LOG_LEVEL: "info" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let text = "";
  child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  for (let i = 0; !text.includes("Ready:"); i++) {
    if (child.exitCode !== null || i > 2_400) throw new Error(`a replica did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  log(`replica up (pid ${child.pid})`);
  return { child, url: `http://127.0.0.1:${/on port (\d+)/.exec(text)![1]}` };
}

/** One run: `replicas` processes (0: one process without Redis), `questions` questions, a kill halfway when `kill`. */
export async function runFleet(
  name: string,
  replicas: number,
  questions: readonly string[],
  kill: boolean,
  log: (line: string) => void,
): Promise<FleetRun> {
  const fake = new FakeSlack();
  await fake.start();
  fake.realThreads = true;
  const indexDir = await mkdtemp(path.join(os.tmpdir(), "citebot-fleet-bench-"));
  let redis: TestRedis | undefined;
  const nodes: Array<Replica | undefined> = [];
  try {
    if (replicas > 0) redis = await startRedis();
    const env = {
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      INDEX_DIR: indexDir,
      RATE_LIMIT_PER_MINUTE: "0",
      FLEET_LOCK_SECONDS: "5",
      ...(redis ? { REDIS_URL: redis.url } : {}),
    };
    // The first builds the index; the others then find it.
    nodes.push(await startReplica(env, log));
    nodes.push(...(await Promise.all(Array.from({ length: Math.max(0, replicas - 1) }, () => startReplica(env, log)))));
    const urls = () => nodes.map((n) => n?.url ?? "http://127.0.0.1:9");
    const sentAt = new Map<string, number>();
    let eventsSent = 0;
    let heldAtKill = 0;
    const answered = (ts: string) => fake.posted.some((m) => m.thread_ts === ts);
    const ask = async (i: number) => {
      const ts = `${5000 + i}.000100`;
      const event = (type: string, id: string) =>
        eventCallback(
          { type, user: `U${i % 50}`, text: `<@UBOT> ${questions[i]}`, ts, channel: "CFLEET", channel_type: "channel" },
          id,
        );
      const targets = urls();
      sentAt.set(ts, performance.now());
      const mention = event("app_mention", `EvM${i}`);
      const deliveries = [deliverLikeSlack(mention, targets, SECRET, { first: i })];
      deliveries.push(deliverLikeSlack(event("message", `EvT${i}`), targets, SECRET, { first: i + 1 }));
      if (i % 10 === 0) deliveries.push(deliverLikeSlack(mention, targets, SECRET, { first: i + 2, retries: 1 }));
      eventsSent += deliveries.length;
      await Promise.all(deliveries);
      // Closed loop: a sender waits for its answer, so latency is the bot's, not a backlog's.
      const until = performance.now() + 60_000;
      while (!answered(ts) && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const killAt = kill && replicas > 1 ? Math.floor(questions.length / 2) : -1;
    let killed = false;
    const killMidBatch = async () => {
      // While this batch is in flight: the victim holds some of its acknowledged questions.
      await new Promise((resolve) => setTimeout(resolve, 40));
      const victim = nodes[0]!;
      nodes[0] = undefined;
      heldAtKill = [...sentAt.keys()].filter((ts) => !answered(ts)).length;
      victim.child.kill("SIGKILL");
      log(`killed a replica with SIGKILL at question ${killAt} (${heldAtKill} sent and not yet answered)`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      nodes[0] = await startReplica(env, log);
      log("restarted it");
    };
    const restarted: Array<Promise<void>> = [];
    for (let start = 0; start < questions.length; start += IN_FLIGHT) {
      if (!killed && killAt >= 0 && start >= killAt) {
        killed = true;
        restarted.push(killMidBatch());
      }
      await Promise.all(
        Array.from({ length: Math.min(IN_FLIGHT, questions.length - start) }, (_, j) => ask(start + j)),
      );
    }
    await Promise.all(restarted);
    // Everything acknowledged is answered eventually (a dead replica's share after its lock lapses).
    const deadline = performance.now() + 60_000;
    while (performance.now() < deadline && [...sentAt.keys()].some((ts) => !answered(ts)))
      await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const counts = new Map<string, number>();
    const first = new Map<string, number>();
    for (const call of fake.calls) {
      if (call.method !== "chat.postMessage" || call.response === undefined) continue;
      const ts = String(call.args.thread_ts);
      counts.set(ts, (counts.get(ts) ?? 0) + 1);
      if (!first.has(ts)) first.set(ts, call.at);
    }
    const all = [...sentAt.keys()];
    return {
      name,
      questions: all.length,
      eventsSent,
      once: all.filter((ts) => counts.get(ts) === 1).length,
      duplicated: all.filter((ts) => (counts.get(ts) ?? 0) > 1).length,
      lost: all.filter((ts) => !counts.has(ts)).length,
      replyMs: all.filter((ts) => first.has(ts)).map((ts) => first.get(ts)! - sentAt.get(ts)!),
      heldAtKill,
    };
  } finally {
    for (const node of nodes) node?.child.kill("SIGTERM");
    await Promise.all(
      nodes.map((node) =>
        node && node.child.exitCode === null ? new Promise((resolve) => node.child.once("exit", resolve)) : undefined,
      ),
    );
    await fake.stop();
    await redis?.dispose();
    await rm(indexDir, { recursive: true, force: true });
  }
}

/** The fleet section of bench/stress.md. */
export async function fleetSection(
  replicas: number,
  questions: readonly string[],
  log: (line: string) => void,
): Promise<string> {
  if (!REDIS_AVAILABLE) return "## Fleet\n\nNot measured: no redis-server on PATH (apt-get install -y redis-server).\n";
  const runs = [
    await runFleet("one process, no Redis", 0, questions, false, log),
    await runFleet("fleet of 1 (Redis)", 1, questions, false, log),
    await runFleet(
      `fleet of ${replicas}, one replica killed (SIGKILL) halfway and restarted`,
      replicas,
      questions,
      true,
      log,
    ),
  ];
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const baseline = percentile(runs[0]!.replyMs, 95);
  const rows = runs.map(
    (r) =>
      `| ${r.name} | ${r.questions} | ${r.eventsSent} | ${r.once} | ${r.duplicated}${r.heldAtKill ? ` (${r.heldAtKill} in flight at the kill)` : ""} | ${r.lost} | ${ms(median(r.replyMs))} / ${ms(percentile(r.replyMs, 95))} | ${(percentile(r.replyMs, 95) / baseline).toFixed(2)}x |`,
  );
  return `## Fleet: replicas sharing one Redis

\`npm run stress -- --fleet ${replicas}\`: replicas are \`npm start\` processes (HTTP mode, the real model) sharing a
redis-server of the benchmark's own (appendonly yes). Each question's \`app_mention\` goes to one replica, its
\`message\` twin to another, every tenth event is sent again (a retry) to a third; ${IN_FLIGHT} senders, each
waiting for its answer before the next question;
an event a replica does not acknowledge within 3 s (it is down) goes on to the next replica, as Slack retries.
A question is answered once, duplicated (two replies) or lost (none) by what reached the fake Slack.

| Run | Questions | Events sent | Answered once | Duplicated | Lost | Event -> reply p50 / p95 | p95 vs one process |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}
`;
}
