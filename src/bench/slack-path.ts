import type { AddressInfo } from "node:net";
import type { AnswerService } from "../answer/service.js";
import type { Logger } from "../logger.js";
import { startSlackBot } from "../slack/app.js";
import { FakeSlack, signedHeaders } from "./fake-slack.js";

export interface SlackPathResult {
  /** Event POST sent -> HTTP 200 from Bolt (Slack's 3 s ack budget). */
  readonly ackMs: number[];
  /** Event POST sent -> chat.postMessage received by the fake Slack. */
  readonly replyMs: number[];
  readonly repliesPerQuestion: number[];
}

/**
 * Runs the real Bolt app in HTTP mode against a local fake Slack and sends signed app_mention
 * events, `concurrency` at a time, measuring ack and reply latency per question.
 */
export async function measureSlackPath(service: AnswerService, questions: readonly string[], concurrency: number, logger: Logger, feedbackLog: string): Promise<SlackPathResult> {
  const fake = new FakeSlack();
  await fake.start();
  const secret = "bench-secret";
  const bot = await startSlackBot({
    config: { mode: { kind: "http", botToken: "xoxb-bench", signingSecret: secret }, port: 0, slackApiUrl: fake.apiUrl, feedbackLog, rateLimitPerMinute: 0 },
    engine: Promise.resolve(service),
    logger,
    port: 0,
  });
  const url = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/slack/events`;
  const ackMs: number[] = [];
  const replyMs: number[] = [];
  const replyTimes = new Map<string, number[]>();
  const watcher = setInterval(() => {
    for (const call of fake.calls.splice(0)) {
      if (call.method !== "chat.postMessage") continue;
      const key = String(call.args.thread_ts);
      replyTimes.set(key, [...(replyTimes.get(key) ?? []), call.at]);
    }
  }, 1);
  const ask = async (question: string, i: number) => {
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
    for (;;) {
      const times = replyTimes.get(ts);
      if (times) {
        replyMs.push(times[0]! - sent);
        return ts;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  // Warm-up (auth.test, JIT) outside the measurements.
  await ask("Who leads the Chinese delegation?", -1);
  ackMs.length = 0;
  replyMs.length = 0;
  const keys: string[] = [];
  for (let start = 0; start < questions.length; start += concurrency) {
    keys.push(...(await Promise.all(questions.slice(start, start + concurrency).map((q, j) => ask(q, start + j)))));
  }
  await new Promise((r) => setTimeout(r, 200));
  clearInterval(watcher);
  for (const call of fake.calls.splice(0)) {
    if (call.method === "chat.postMessage") replyTimes.set(String(call.args.thread_ts), [...(replyTimes.get(String(call.args.thread_ts)) ?? []), call.at]);
  }
  await bot.stop();
  await fake.stop();
  return { ackMs, replyMs, repliesPerQuestion: keys.map((k) => replyTimes.get(k)?.length ?? 0) };
}
