import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { eventCallback, FakeSlack, signedHeaders } from "./fake-slack.js";
import { launchArgs } from "./launch-args.js";

export interface SlackPathResult {
  /** Event POST sent -> HTTP 200 from Bolt (Slack's 3 s ack budget). */
  readonly ackMs: number[];
  /** Event POST sent -> chat.postMessage received by the fake Slack. */
  readonly replyMs: number[];
  readonly repliesPerQuestion: number[];
}

/**
 * The real bot (HTTP mode) in a child process, a local fake Slack in this process, and signed
 * app_mention events: so the load generator times requests on an event loop the bot cannot block.
 */
export class BotUnderLoad {
  readonly fake = new FakeSlack();
  private child: ChildProcess | undefined;
  private url = "";
  private readonly secret = "bench-secret";
  /** thread_ts -> arrival times of chat.postMessage calls for it. */
  private readonly replies = new Map<string, number[]>();
  private seen = 0;

  constructor(private readonly feedbackLog: string) {}

  async start(): Promise<void> {
    await this.fake.start();
    this.child = spawn(process.execPath, ["--expose-gc", ...launchArgs("bench/bot-process")], {
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: "xoxb-bench",
        SLACK_SIGNING_SECRET: this.secret,
        SLACK_APP_TOKEN: "",
        SLACK_API_URL: this.fake.apiUrl,
        FEEDBACK_LOG: this.feedbackLog,
        RATE_LIMIT_PER_MINUTE: "0",
        LOG_LEVEL: "warn",
      },
      stdio: ["pipe", "pipe", "inherit"],
    });
    this.lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
    const first = await this.lines.next();
    this.url = `http://127.0.0.1:${(JSON.parse(String(first.value)) as { port: number }).port}/slack/events`;
  }

  private lines: AsyncIterator<string> | undefined;

  /** The bot's memory after a full garbage collection, in bytes. */
  async memory(): Promise<{ rss: number; heapUsed: number }> {
    this.child!.stdin!.write("memory\n");
    const next = await this.lines!.next();
    return JSON.parse(String(next.value)) as { rss: number; heapUsed: number };
  }

  private collect(): void {
    const calls = this.fake.calls;
    for (; this.seen < calls.length; this.seen++) {
      const call = calls[this.seen]!;
      if (call.method !== "chat.postMessage") continue;
      const key = String(call.args.thread_ts);
      this.replies.set(key, [...(this.replies.get(key) ?? []), call.at]);
    }
    if (this.seen > 10_000) {
      calls.splice(0, this.seen);
      this.seen = 0;
    }
  }

  repliesTo(ts: string): number {
    this.collect();
    return this.replies.get(ts)?.length ?? 0;
  }

  /** Sends one question; resolves with ack and reply latency once the reply reaches the fake Slack. */
  async ask(question: string, i: number, user = `U${i % 50}`): Promise<{ ts: string; ackMs: number; replyMs: number }> {
    const ts = `${1000 + i}.000100`;
    const body = eventCallback(
      { type: "app_mention", user, text: `<@UBOT> ${question}`, ts, channel: "CLOAD" },
      `EvLoad${i}`,
    );
    const sent = performance.now();
    const res = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...signedHeaders(this.secret, body) },
      body,
    });
    const ackMs = performance.now() - sent;
    await res.text();
    if (res.status !== 200) throw new Error(`event ${i} got HTTP ${res.status}`);
    for (;;) {
      this.collect();
      const times = this.replies.get(ts);
      if (times) return { ts, ackMs, replyMs: times[0]! - sent };
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  async stop(): Promise<void> {
    this.child?.kill("SIGTERM");
    if (this.child && this.child.exitCode === null) await once(this.child, "exit");
    await this.fake.stop();
  }
}

/** `concurrency` questions in flight at a time. */
export async function measureSlackPath(
  questions: readonly string[],
  concurrency: number,
  feedbackLog: string,
): Promise<SlackPathResult> {
  const bot = new BotUnderLoad(feedbackLog);
  await bot.start();
  try {
    await bot.ask("Who leads the Chinese delegation?", -1); // Warm-up: auth.test, JIT.
    const results = [];
    for (let start = 0; start < questions.length; start += concurrency) {
      results.push(
        ...(await Promise.all(questions.slice(start, start + concurrency).map((q, j) => bot.ask(q, start + j)))),
      );
    }
    await new Promise((r) => setTimeout(r, 300)); // Time for any duplicate reply to show up.
    return {
      ackMs: results.map((r) => r.ackMs),
      replyMs: results.map((r) => r.replyMs),
      repliesPerQuestion: results.map((r) => bot.repliesTo(r.ts)),
    };
  } finally {
    await bot.stop();
  }
}
