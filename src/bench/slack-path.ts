import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { FakeSlack, signedHeaders } from "./fake-slack.js";

export interface SlackPathResult {
  /** Event POST sent -> HTTP 200 from Bolt (Slack's 3 s ack budget). */
  readonly ackMs: number[];
  /** Event POST sent -> chat.postMessage received by the fake Slack. */
  readonly replyMs: number[];
  readonly repliesPerQuestion: number[];
}

/**
 * Starts the real bot (HTTP mode) in a child process against a local fake Slack in this process
 * and sends signed app_mention events, `concurrency` at a time, timing ack and reply per question.
 */
export async function measureSlackPath(questions: readonly string[], concurrency: number, feedbackLog: string): Promise<SlackPathResult> {
  const fake = new FakeSlack();
  await fake.start();
  const secret = "bench-secret";
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("src/bench/bot-process.ts")], {
    env: { ...process.env, SLACK_BOT_TOKEN: "xoxb-bench", SLACK_SIGNING_SECRET: secret, SLACK_APP_TOKEN: "", SLACK_API_URL: fake.apiUrl, FEEDBACK_LOG: feedbackLog, RATE_LIMIT_PER_MINUTE: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
    const url = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/slack/events`;
    const replyAt = (ts: string) => fake.calls.filter((c) => c.method === "chat.postMessage" && c.args.thread_ts === ts).map((c) => c.at);
    const ackMs: number[] = [];
    const replyMs: number[] = [];
    const ask = async (question: string, i: number): Promise<string> => {
      const ts = `${1000 + i}.000100`;
      const body = JSON.stringify({
        type: "event_callback", team_id: "T1", api_app_id: "A1", event_id: `EvBench${i}`, event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: "T1", user_id: "UBOT", is_bot: true }],
        event: { type: "app_mention", user: `U${i % 50}`, text: `<@UBOT> ${question}`, ts, event_ts: ts, channel: "CBENCH" },
      });
      const sent = performance.now();
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...signedHeaders(secret, body) }, body });
      ackMs.push(performance.now() - sent);
      await res.text();
      while (replyAt(ts).length === 0) await new Promise((r) => setTimeout(r, 1));
      replyMs.push(replyAt(ts)[0]! - sent);
      return ts;
    };
    await ask("Who leads the Chinese delegation?", -1); // Warm-up: auth.test, JIT.
    ackMs.length = 0;
    replyMs.length = 0;
    const keys: string[] = [];
    for (let start = 0; start < questions.length; start += concurrency) {
      keys.push(...(await Promise.all(questions.slice(start, start + concurrency).map((q, j) => ask(q, start + j)))));
    }
    await new Promise((r) => setTimeout(r, 300)); // Time for any duplicate reply to show up.
    return { ackMs, replyMs, repliesPerQuestion: keys.map((k) => replyAt(k).length) };
  } finally {
    child.kill("SIGTERM");
    await fake.stop();
  }
}
