import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A message as the fake Slack keeps it after chat.postMessage. */
export interface PostedMessage {
  readonly channel: unknown;
  readonly thread_ts?: unknown;
  readonly ts: string;
  readonly text: unknown;
  readonly user: string;
  readonly bot_id: string;
  readonly responseLost?: true;
}

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
  /**
   * Like Slack: conversations.replies and conversations.history also return the messages posted
   * with chat.postMessage. Off by default (the older tests script the thread themselves); a message
   * whose response was lost (`{hang: true, posted: true}`) is returned either way.
   */
  realThreads = false;
  /** Every message posted, in order; `responseLost` when its chat.postMessage never got an answer. */
  readonly posted: PostedMessage[] = [];
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
        if (failure.posted) this.post(args, true);
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

  /** Records a posted message; returns its ts, unique and increasing as Slack's are. */
  private post(args: Record<string, unknown>, responseLost: boolean): string {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.sequence).padStart(6, "0")}`;
    this.posted.push({
      channel: args.channel,
      ...(args.thread_ts !== undefined ? { thread_ts: args.thread_ts } : {}),
      ts,
      text: args.text,
      user: "UBOT",
      bot_id: "BBOT",
      ...(responseLost ? { responseLost: true as const } : {}),
    });
    return ts;
  }

  /** The posted messages conversations.* show: all of them with realThreads, else those whose response was lost. */
  private visible(where: (m: PostedMessage) => boolean): PostedMessage[] {
    return this.posted.filter((m) => (this.realThreads || m.responseLost) && where(m));
  }

  private reply(method: string, args: Record<string, unknown>): unknown {
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1", user: "citebot" };
      case "chat.postMessage":
        return { ok: true, channel: args.channel, ts: this.post(args, false), message: {} };
      case "apps.connections.open":
        return { ok: true, url: this.socketUrl };
      case "conversations.replies":
        return {
          ok: true,
          messages: [
            ...this.threadReplies,
            ...this.visible((m) => m.channel === args.channel && m.thread_ts === args.ts),
          ],
          has_more: false,
        };
      case "conversations.history":
        // Newest first, as Slack lists a channel.
        return {
          ok: true,
          messages: this.visible((m) => m.channel === args.channel && m.thread_ts === undefined).reverse(),
          has_more: false,
        };
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

/**
 * An Events API request body as Slack posts it: `event` (its `event_ts` defaulting to its `ts`) in
 * an event_callback for app A1 in team T1, whose bot user is UBOT.
 */
export function eventCallback(event: Record<string, unknown>, eventId: string): string {
  return JSON.stringify({
    token: "legacy",
    team_id: "T1",
    api_app_id: "A1",
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: "T1", user_id: "UBOT", is_bot: true }],
    event: { event_ts: event.ts, ...event },
  });
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
