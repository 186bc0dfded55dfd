import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** performance.now() when the call arrived. */
  readonly at: number;
  /** What it answered (absent for a call made to fail). */
  response?: unknown;
}

/**
 * A local fake of the Slack Web API (and of response_url endpoints) that records every call.
 * Bolt's WebClient talks to it through `clientOptions.slackApiUrl`. Used by the end-to-end tests
 * and by `npm run bench` to measure the Slack path without Slack.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  /** Per-method override: return a status and body instead of the default `{ok: true}` reply. */
  readonly failures = new Map<
    string,
    Array<
      | { status: number; body: unknown; headers?: Record<string, string> }
      | { drop: true }
      | { hang: true; posted?: true }
    >
  >();
  threadReplies: Array<{ user?: string; bot_id?: string }> = [];
  /** Messages posted by a chat.postMessage whose response never came (`{hang: true, posted: true}`): conversations.* return them. */
  readonly postedUnanswered: Array<{
    channel: unknown;
    thread_ts?: unknown;
    ts: string;
    text: unknown;
    user: string;
    bot_id: string;
  }> = [];
  /**
   * Like Slack: conversations.replies and conversations.history also return the messages posted
   * with chat.postMessage. Off by default (the older tests script the thread themselves).
   */
  realThreads = false;
  /** Every message posted successfully, in order. */
  readonly posted: Array<{
    channel: unknown;
    thread_ts?: unknown;
    ts: string;
    text: unknown;
    user: string;
    bot_id: string;
  }> = [];
  private sequence = 0;
  /** Every answer waits this long, as a real Web API call does (0 by default). */
  delayMs = 0;
  /** What apps.connections.open hands out (Socket Mode tests point it at a local WebSocket server). */
  socketUrl = "ws://127.0.0.1:9/";
  baseUrl = "";

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? "/", "http://localhost");
      const method = url.pathname.replace(/^\/api\//, "").replace(/^\//, "");
      const args = parseArgs(raw, req.headers["content-type"] ?? "");
      const call: RecordedCall = { method, args, at: performance.now() };
      this.calls.push(call);
      const failure = this.failures.get(method)?.shift();
      if (failure && "hang" in failure) {
        // Never answers: the client must time out. With `posted`, the message went out all the same.
        if (failure.posted)
          this.postedUnanswered.push({
            channel: args.channel,
            thread_ts: args.thread_ts,
            ts: `${Date.now() / 1000}`,
            text: args.text,
            user: "UBOT",
            bot_id: "BBOT",
          });
        return;
      }
      if (failure && "drop" in failure) {
        req.socket.destroy(); // The connection drops with no response at all.
        return;
      }
      if (failure) {
        res.writeHead(failure.status, { "content-type": "application/json", ...failure.headers });
        res.end(JSON.stringify(failure.body));
        return;
      }
      call.response = this.reply(method, args);
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(call.response));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private reply(method: string, args: Record<string, unknown>): unknown {
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1", user: "citebot" };
      case "chat.postMessage": {
        // Unique and increasing, as Slack's are.
        const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.sequence).padStart(6, "0")}`;
        this.posted.push({
          channel: args.channel,
          ...(args.thread_ts !== undefined ? { thread_ts: args.thread_ts } : {}),
          ts,
          text: args.text,
          user: "UBOT",
          bot_id: "BBOT",
        });
        return { ok: true, channel: args.channel, ts, message: {} };
      }
      case "apps.connections.open":
        return { ok: true, url: this.socketUrl };
      case "conversations.replies": {
        const inThread = (m: { channel: unknown; thread_ts?: unknown }) =>
          m.channel === args.channel && m.thread_ts === args.ts;
        const posted = this.realThreads ? this.posted.filter(inThread) : [];
        return {
          ok: true,
          messages: [...this.threadReplies, ...posted, ...this.postedUnanswered.filter(inThread)],
          has_more: false,
        };
      }
      case "conversations.history": {
        const topLevel = (m: { channel: unknown; thread_ts?: unknown }) =>
          m.channel === args.channel && m.thread_ts === undefined;
        return {
          ok: true,
          messages: [
            ...(this.realThreads ? this.posted.filter(topLevel) : []),
            ...this.postedUnanswered.filter(topLevel),
          ].reverse(),
          has_more: false,
        };
      }
      default:
        return { ok: true };
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (raw === "") return {};
  if (contentType.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      args[key] = key === "blocks" || key === "attachments" ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}

/** Headers Slack sends: `v0=` HMAC-SHA256 over `v0:{timestamp}:{raw body}` with the signing secret. */
export function signedHeaders(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": `v0=${signature}` };
}

/** Waits until `check` returns a value (polling); for effects that happen after Slack's ack. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  attempts = 400,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
