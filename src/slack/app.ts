import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { App, Assistant, defaultBodyLimit, HTTPModuleFunctions, HTTPReceiver } from "@slack/bolt";
import { normalizeQuestion } from "../answer/question.js";
import type { SlackConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { FeedbackLog } from "./feedback-log.js";
import { createBotDeps, type AnswerPort, type BotDeps, type SlackClient } from "./deps.js";
import { handleAppMention, handleAssistantMessage, handleMessage } from "./handlers.js";
import { handleAskCommand, handleFeedback, handleMessageShortcut, handleShare, type MessageShortcutArgs } from "./interactive.js";
import { handleAppHomeOpened, handleAssistantThreadStarted } from "./surfaces.js";
import { markUnconfirmedPosts, retryUnlessUnconfirmedPost } from "./post-once.js";
import { bodyShapeProblem, signatureProblem, timestampProblem } from "./verify.js";
import { ACTION_FEEDBACK_HELPFUL, ACTION_FEEDBACK_NOT_HELPFUL, ACTION_SHARE, SHORTCUT_ANSWER_IN_THREAD, type SourcesOverview } from "./render.js";

/**
 * The handlers declare the few Web API methods they call with plain argument objects (so fakes are
 * easy); WebClient's own signatures are unions per method. One cast here, at the boundary.
 */
function narrow(client: unknown): SlackClient {
  return client as SlackClient;
}

/** Health as /healthz reports it: 200 once answers can be served (and, in Socket Mode, the socket is up). */
export interface Health {
  engineReady: boolean;
  socketConnected: boolean;
}

export interface SlackBot {
  readonly app: InstanceType<typeof App>;
  readonly deps: BotDeps;
  readonly health: Health;
  /** The HTTP server (events in HTTP mode, /healthz in both). */
  readonly server: Server | undefined;
  stop(): Promise<void>;
}

/** The answer service as the bot needs it: answers, and the index manifest's list of documents. */
export interface AnswerEngine {
  answer: AnswerPort["answer"];
  readonly manifest: SourcesOverview;
}

export interface StartOptions {
  readonly config: SlackConfig;
  /** Resolves once the index is loaded; questions that arrive earlier wait for it. */
  readonly engine: Promise<AnswerEngine>;
  readonly logger: Logger;
  /** Overrides PORT (tests pass 0 for an ephemeral port). */
  readonly port?: number;
  /** How long one Web API call may take before it is abandoned and retried (default 10 s). */
  readonly apiTimeoutMs?: number;
}

/**
 * Web API retries: 429s wait for Retry-After and 5xx/network errors back off, for about two
 * minutes in all; then the reply is logged as failed and the process keeps serving.
 */
const RETRY_CONFIG = { retries: 6, factor: 2, minTimeout: 500, maxTimeout: 30_000, randomize: true, onFailedAttempt: retryUnlessUnconfirmedPost };

/**
 * Bolt's HTTP receiver (signature checks, /slack/events, custom routes) behind two extra checks:
 * Slack requests whose timestamp is in the future or malformed, or whose signature header is not
 * exactly `v0=` and 64 hex digits, get 401 before Bolt sees them, and
 * signed requests whose body is not a JSON object get 400 (see `bodyShapeProblem`).
 */
function guardedReceiver(signingSecret: string, healthRoute: { path: string; method: string[]; handler: (req: IncomingMessage, res: ServerResponse) => void }, logger: Logger): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret, customRoutes: [healthRoute], logger });
  const bolt = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") return bolt(req, res);
    const problem = timestampProblem(req.headers["x-slack-request-timestamp"], Math.floor(Date.now() / 1000)) ?? signatureProblem(req.headers["x-slack-signature"]);
    if (problem) {
      logger.warn(`Refused a request to ${req.url ?? "?"}: ${problem}.`);
      res.writeHead(401).end();
      return;
    }
    void screenBody(req, res, signingSecret, logger).then((usable) => {
      if (usable) bolt(req, res);
    });
  };
  return receiver;
}

/**
 * Reads and checks the body the way Bolt will (it reuses the buffered body), and answers the
 * requests Bolt would fail on without a response. True: hand the request to Bolt, which answers
 * a bad signature (401) or unparsable body (400) itself.
 */
async function screenBody(req: IncomingMessage, res: ServerResponse, signingSecret: string, logger: Logger): Promise<boolean> {
  let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, defaultBodyLimit);
  } catch (error) {
    const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && (error.type === "entity.too.large" || error.statusCode === 413);
    logger.warn(`Refused a request to ${req.url ?? "?"}: ${tooLarge ? `its body is over ${defaultBodyLimit} bytes` : "its body could not be read"}.`);
    // The rest of the body is left unread, so the connection cannot carry another request.
    res.writeHead(tooLarge ? 413 : 400, { connection: "close" }).end();
    return false;
  }
  let body: unknown;
  try {
    await HTTPModuleFunctions.parseAndVerifyHTTPRequest({ signingSecret, bodyLimit: defaultBodyLimit }, buffered);
    body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    return true;
  }
  const problem = bodyShapeProblem(body);
  if (!problem) return true;
  logger.warn(`Refused a signed request to ${req.url ?? "?"}: ${problem}.`);
  res.writeHead(400).end();
  return false;
}

export async function startSlackBot(options: StartOptions): Promise<SlackBot> {
  const { config, logger } = options;
  if (config.mode.kind === "terminal") throw new Error("startSlackBot needs Slack credentials");
  const health: Health = { engineReady: false, socketConnected: config.mode.kind === "http" };
  const engine = options.engine.then((port) => {
    health.engineReady = true;
    return port;
  });
  // A failed engine start is reported by the caller; here it only keeps /healthz at 503.
  engine.catch(() => undefined);
  const answers: AnswerPort = {
    answer: async (question, conversation) => {
      // Too long or empty is known without the engine: said at once, not after the index has loaded.
      normalizeQuestion(question);
      return (await engine).answer(question, conversation);
    },
    // Read at each call: the live service swaps in a new manifest when the corpus changes.
    sources: async () => {
      const { files, builtAt } = (await engine).manifest;
      return { files, builtAt };
    },
  };
  const deps = createBotDeps(answers, new FeedbackLog(config.feedbackLog), logger, config.rateLimitPerMinute);

  const healthRoute = {
    path: "/healthz",
    method: ["GET"],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      const ok = health.engineReady && health.socketConnected;
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok, engineReady: health.engineReady, socketConnected: health.socketConnected }));
    },
  };
  const slackApiUrl = config.slackApiUrl ? config.slackApiUrl.replace(/\/?$/, "/") : undefined;
  // A Web API call that hangs is abandoned after 10 s and retried like any other failure.
  // A reply whose post timed out is not retried blindly: it may have been posted (see post-once.ts).
  const clientOptions = { retryConfig: RETRY_CONFIG, timeout: options.apiTimeoutMs ?? 10_000, fetch: markUnconfirmedPosts(), ...(slackApiUrl ? { slackApiUrl } : {}) };
  // Socket Mode's own client (apps.connections.open) takes its options from installerOptions; it
  // keeps its own, more patient retry policy for reconnecting, so only the URL is passed on.
  const socketClientOptions = slackApiUrl ? { slackApiUrl } : {};
  const port = options.port ?? config.port;
  const app =
    config.mode.kind === "socket"
      ? new App({ token: config.mode.botToken, appToken: config.mode.appToken, socketMode: true, logger, clientOptions, customRoutes: [healthRoute], installerOptions: { port, clientOptions: socketClientOptions } })
      : new App({ token: config.mode.botToken, logger, clientOptions, receiver: guardedReceiver(config.mode.signingSecret, healthRoute, logger) });

  app.event("app_mention", async ({ event, client, context, body }) => handleAppMention({ event, client: narrow(client), context, body }, deps));
  app.assistant(
    new Assistant({
      threadStarted: async ({ say, setSuggestedPrompts }) => handleAssistantThreadStarted({ say, setSuggestedPrompts }, deps),
      userMessage: async ({ message, say, setStatus, body, client, context }) => {
        if (!("ts" in message)) return;
        const m = message as { channel: string; ts: string; thread_ts?: string; text?: string; user?: string; bot_id?: string };
        await handleAssistantMessage({ message: m, eventId: (body as { event_id?: string }).event_id, say, setStatus, client: narrow(client), botUserId: context.botUserId }, deps);
      },
    }),
  );
  app.event("message", async ({ event, client, context, body }) => handleMessage({ event: event as Parameters<typeof handleMessage>[0]["event"], client: narrow(client), context, body }, deps));
  app.event("app_home_opened", async ({ event, client }) => handleAppHomeOpened({ event, client: narrow(client) }, deps));
  app.command("/ask", async ({ command, ack, respond }) => handleAskCommand({ command, ack: () => ack(), respond }, deps));
  app.shortcut({ callback_id: SHORTCUT_ANSWER_IN_THREAD, type: "message_action" }, async ({ shortcut, ack, respond, client, context }) =>
    handleMessageShortcut({ shortcut: shortcut as MessageShortcutArgs["shortcut"], ack: () => ack(), respond, client: narrow(client), context }, deps),
  );
  const action = (handler: typeof handleFeedback) => async (args: { ack: () => Promise<void>; body: unknown; action: unknown; respond: unknown; client: unknown }) =>
    handler(args as Parameters<typeof handleFeedback>[0], deps);
  app.action(ACTION_FEEDBACK_HELPFUL, action(handleFeedback));
  app.action(ACTION_FEEDBACK_NOT_HELPFUL, action(handleFeedback));
  app.action(ACTION_SHARE, action(handleShare));
  app.error(async (error) => {
    logger.error(`Unhandled error in a Slack listener: ${error.message}`);
  });

  let server: Server | undefined;
  if (config.mode.kind === "socket") {
    const receiver = (app as unknown as { receiver: { client: { on(event: string, fn: () => void): void } } }).receiver;
    receiver.client.on("connected", () => {
      health.socketConnected = true;
      logger.info("Connected to Slack (Socket Mode).");
    });
    // "close" is the socket dropping; the client then waits a few seconds and emits "reconnecting".
    for (const event of ["close", "disconnected", "reconnecting"]) {
      receiver.client.on(event, () => {
        if (health.socketConnected || event !== "close") logger.warn(`Socket Mode ${event}; Bolt reconnects automatically.`);
        health.socketConnected = false;
      });
    }
    await app.start();
    server = (app as unknown as { receiver: { httpServer?: Server } }).receiver.httpServer;
  } else {
    server = (await app.start(port)) as Server;
    const address = server.address();
    logger.info(`Listening for Slack events on port ${typeof address === "object" && address ? address.port : port} (POST /slack/events, GET /healthz).`);
  }
  return {
    app,
    deps,
    health,
    server,
    stop: () => app.stop().then(() => undefined),
  };
}
