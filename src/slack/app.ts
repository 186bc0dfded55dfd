import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  App,
  defaultBodyLimit,
  HTTPModuleFunctions,
  HTTPReceiver,
  SocketModeReceiver,
  webApi,
  type Receiver,
  type ReceiverEvent,
} from "@slack/bolt";
import { answerWithoutSearch } from "../answer/without-search.js";
import type { SlackConfig } from "../config.js";
import { CiteBotError, ErrorCode } from "../errors.js";
import type { Fleet } from "../fleet/fleet.js";
import { memoryClaims, type Claims } from "../fleet/decisions.js";
import type { Logger } from "../logger.js";
import { createMetrics } from "../ops/metrics.js";
import { RecentKeys } from "./dedup.js";
import { FeedbackLog } from "./feedback-log.js";
import { createBotDeps, describe, slackErrorCode, type AnswerPort, type BotDeps } from "./deps.js";
import { readiness, type Health } from "./health.js";
import { listenerTable, REDELIVERED, register } from "./listeners.js";
import { markUnconfirmedPosts, retryUnlessUnconfirmedPost } from "./post-once.js";
import { bodyShapeProblem, MAX_CLOCK_SKEW_SECONDS, signatureProblem, timestampProblem } from "./verify.js";
import type { SourcesOverview } from "./render.js";

export type { Health };

export interface SlackBot {
  readonly app: App;
  readonly deps: BotDeps;
  readonly health: Health;
  /** The HTTP server: events in HTTP mode, and /healthz, /readyz and /metrics in both modes. */
  readonly server: Server | undefined;
  /** Resolves once Slack accepted the tokens; rejects (SLACK_AUTH_REJECTED) when it refused one. */
  readonly verified: Promise<void>;
  /** Readiness goes 503, no new work is taken, work in hand finishes (up to `graceMs`), then everything closes. */
  stop(graceMs?: number): Promise<void>;
  /**
   * Resolves once this process handles no event, command or action: every request acknowledged so
   * far has been dealt with. What tests wait for before asserting that nothing (more) happened.
   */
  idle(): Promise<void>;
}

/** The answer service as the bot needs it: answers, and the index manifest's list of documents. */
export interface AnswerEngine {
  answer: AnswerPort["answer"];
  readonly manifest: SourcesOverview & { readonly sentenceCount?: number };
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
  /** Fleet mode (REDIS_URL): state, queue and feedback shared through Redis. Undefined: one process. */
  readonly fleet?: Fleet;
  /** First and longest wait between start-up attempts to reach Slack (default 1 s and 30 s). */
  readonly retryDelaysMs?: { readonly first: number; readonly max: number };
}

/**
 * Web API retries: 429s wait for Retry-After and 5xx/network errors back off, for about two
 * minutes in all; then the reply is logged as failed and the process keeps serving.
 */
const RETRY_CONFIG = {
  retries: 6,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 30_000,
  randomize: true,
  onFailedAttempt: retryUnlessUnconfirmedPost,
};

/** Slack's answers to a token it will never accept: start-up stops and names the variable. */
const REJECTED_TOKEN = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "not_allowed_token_type",
  "invalid_token",
]);

/**
 * The one App of the bot. In fleet mode an Events API event is stored in the fleet's queue before
 * Slack gets its acknowledgement, instead of being processed here and now; any replica's worker
 * then runs it through Bolt's listeners as usual (processQueued). Everything else (commands,
 * shortcuts, buttons, URL verification) goes straight to Bolt.
 */
class CiteBotApp extends App {
  intake: ((event: ReceiverEvent) => Promise<boolean>) | undefined;

  override async processEvent(event: ReceiverEvent): Promise<void> {
    if (this.intake && (await this.intake(event))) return;
    return super.processEvent(event);
  }

  /** A queued event, acknowledged long ago: no ack is due. */
  processQueued(body: Record<string, unknown>, redelivered: boolean): Promise<void> {
    return super.processEvent({
      body: redelivered ? { ...body, [REDELIVERED]: true } : body,
      ack: async () => undefined,
    });
  }
}

/**
 * Bolt's HTTP receiver (signature checks, /slack/events, custom routes) behind extra checks. Slack
 * requests whose timestamp is in the future or malformed, or whose signature header is not exactly
 * `v0=` and 64 hex digits, get 401 before Bolt sees them; a signed request whose signature was
 * already accepted (a replay, here or on another replica) gets 401; signed requests whose body is
 * not what Slack sends get 400 (see `bodyShapeProblem`).
 */
function guardedReceiver(
  receiver: HTTPReceiver,
  signingSecret: string,
  replays: Claims,
  logger: Logger,
  onReplay: () => void,
): HTTPReceiver {
  const bolt = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") return bolt(req, res);
    const problem =
      timestampProblem(req.headers["x-slack-request-timestamp"], Math.floor(Date.now() / 1000)) ??
      signatureProblem(req.headers["x-slack-signature"]);
    if (problem) {
      logger.warn(`Refused a request to ${req.url ?? "?"}: ${problem}.`);
      res.writeHead(401).end();
      return;
    }
    void screenBody(req, res, signingSecret, replays, logger, onReplay).then((usable) => {
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
async function screenBody(
  req: IncomingMessage,
  res: ServerResponse,
  signingSecret: string,
  replays: Claims,
  logger: Logger,
  onReplay: () => void,
): Promise<boolean> {
  let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, defaultBodyLimit);
  } catch (error) {
    const tooLarge =
      HTTPModuleFunctions.isRawBodyError(error) && (error.type === "entity.too.large" || error.statusCode === 413);
    logger.warn(
      `Refused a request to ${req.url ?? "?"}: ${tooLarge ? `its body is over ${defaultBodyLimit} bytes` : "its body could not be read"}.`,
    );
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
  // Signed by Slack, so the signature is Slack's one-off for this body and timestamp: seen twice is a replay.
  let fresh: boolean;
  try {
    fresh = await replays.firstTime(`signature:${String(req.headers["x-slack-signature"])}`);
  } catch (error) {
    logger.warn(
      `Refused a request to ${req.url ?? "?"} for now: replays cannot be checked (${describe(error)}); Slack retries it.`,
    );
    res.writeHead(503).end();
    return false;
  }
  if (!fresh) {
    onReplay();
    logger.warn(`Refused a request to ${req.url ?? "?"}: its signature was already accepted (a replay).`);
    res.writeHead(401).end();
    return false;
  }
  const problem = bodyShapeProblem(body);
  if (!problem) return true;
  logger.warn(`Refused a signed request to ${req.url ?? "?"}: ${problem}.`);
  res.writeHead(400).end();
  return false;
}

/** "SLACK_BOT_TOKEN was rejected by Slack (invalid_auth); ..." : start-up stops on this. */
function rejectedToken(variable: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN", code: string): CiteBotError {
  const where =
    variable === "SLACK_BOT_TOKEN"
      ? "copy the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page, reinstalling the app if it was revoked"
      : "create an App-Level Token (xapp-...) with the connections:write scope on your app's Basic Information page";
  return new CiteBotError(
    ErrorCode.SlackAuthRejected,
    `${variable} was rejected by Slack (${code}); ${where}, and put it in .env.`,
  );
}

/**
 * Asks Slack whether it accepts the tokens, as many times as it takes to reach it: one log line per
 * attempt names the URL tried and what to check, and readiness says 503 meanwhile. A token Slack
 * rejects stops start-up, naming the variable.
 */
async function verifyTokens(
  config: SlackConfig,
  health: Health,
  logger: Logger,
  delays: { first: number; max: number },
  isStopped: () => boolean,
): Promise<{ botUserId?: string; botId?: string }> {
  if (config.mode.kind === "terminal") return {};
  const slackApiUrl = (config.slackApiUrl ?? "https://slack.com/api/").replace(/\/?$/, "/");
  const check = async (
    variable: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN",
    token: string,
    method: "auth.test" | "apps.connections.open",
  ): Promise<Record<string, unknown>> => {
    const client = new webApi.WebClient(token, {
      slackApiUrl,
      timeout: 10_000,
      retryConfig: { retries: 0 },
      logger,
      logLevel: webApi.LogLevel.ERROR,
    });
    for (let attempt = 1, delay = delays.first; ; attempt++, delay = Math.min(delays.max, delay * 2)) {
      try {
        return { ...(await client.apiCall(method)) };
      } catch (error) {
        const code = slackErrorCode(error);
        if (code !== undefined && REJECTED_TOKEN.has(code)) throw rejectedToken(variable, code);
        if (isStopped()) throw new CiteBotError(ErrorCode.SlackUnreachable, "stopped while waiting for Slack");
        health.slackAuth = "unreachable";
        logger.warn(
          `Cannot reach Slack at ${slackApiUrl}${method} (attempt ${attempt}: ${describe(error)}); check SLACK_API_URL, the network and any proxy (HTTPS_PROXY); trying again in ${Math.round(delay / 1000)} s.`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  };
  const auth = await check("SLACK_BOT_TOKEN", config.mode.botToken, "auth.test");
  // apps.connections.open hands out a one-off socket URL; asking for one is the app token's only test.
  if (config.mode.kind === "socket") await check("SLACK_APP_TOKEN", config.mode.appToken, "apps.connections.open");
  health.slackAuth = "ok";
  return {
    ...(typeof auth.user_id === "string" ? { botUserId: auth.user_id } : {}),
    ...(typeof auth.bot_id === "string" ? { botId: auth.bot_id } : {}),
  };
}

/** The error start-up stops with when the port is taken, or the error itself. */
function listenError(error: unknown, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE")
    return new CiteBotError(
      ErrorCode.PortInUse,
      `PORT ${port} is already in use (EADDRINUSE); stop the other process or set PORT to a free port.`,
      { cause: error },
    );
  if (code === "EACCES")
    return new CiteBotError(
      ErrorCode.PortInUse,
      `PORT ${port} may not be opened by this user (EACCES); set PORT to 1024 or above.`,
      { cause: error },
    );
  return error;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export async function startSlackBot(options: StartOptions): Promise<SlackBot> {
  const { config, logger, fleet } = options;
  if (config.mode.kind === "terminal") throw new Error("startSlackBot needs Slack credentials");
  const mode = config.mode.kind;
  const health: Health = { engine: "loading", slackAuth: "pending", socketConnected: false, shuttingDown: false };
  let manifest: AnswerEngine["manifest"] | undefined;
  const engine = options.engine.then(
    (port) => {
      health.engine = "ready";
      manifest = port.manifest;
      return port;
    },
    (error: unknown) => {
      health.engine = "failed";
      throw error;
    },
  );
  // A failed engine start is reported by the caller; here it only keeps readiness at 503.
  engine.catch(() => undefined);
  const answers: AnswerPort = {
    answer: async (question, conversation) => {
      // Too long, empty and small talk are known without the engine: said at once, not after the index has loaded.
      return answerWithoutSearch(question) ?? (await engine).answer(question, conversation);
    },
    // Read at each call: the live service swaps in a new manifest when the corpus changes.
    sources: async () => {
      const { files, builtAt } = (await engine).manifest;
      return { files, builtAt };
    },
  };
  const { metrics, registry } = createMetrics({
    index: () => (manifest ? { sentences: manifest.sentenceCount ?? 0, builtAt: manifest.builtAt } : undefined),
    ...(fleet ? { queued: () => fleet.queue.waiting() } : {}),
  });
  const deps = createBotDeps(
    answers,
    fleet?.feedback ?? new FeedbackLog(config.feedbackLog),
    logger,
    config.rateLimitPerMinute,
    fleet?.decisions,
    metrics,
  );
  // Slack signs each request once; a signature seen again is a replay. Kept past the 5-minute window it is valid in.
  const replays = fleet?.replays ?? memoryClaims(new RecentKeys(2 * MAX_CLOCK_SKEW_SECONDS * 1000 + 60_000, 200_000));

  const routes = [
    {
      path: "/healthz",
      method: ["GET"],
      // Liveness: the process answers. Whether it can serve is /readyz's to say.
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ alive: true }));
      },
    },
    {
      path: "/readyz",
      method: ["GET"],
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        const state = readiness(health, mode, fleet?.redis);
        res.writeHead(state.ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(state));
      },
    },
    {
      path: "/metrics",
      method: ["GET"],
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        registry.metrics().then(
          (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
          (error: unknown) => res.writeHead(500).end(String(describe(error))),
        );
      },
    },
  ];
  const slackApiUrl = config.slackApiUrl ? config.slackApiUrl.replace(/\/?$/, "/") : undefined;
  // A Web API call that hangs is abandoned after 10 s and retried like any other failure, except a
  // reply whose post may have gone through (see post-once.ts).
  const clientOptions = {
    retryConfig: RETRY_CONFIG,
    timeout: options.apiTimeoutMs ?? 10_000,
    fetch: markUnconfirmedPosts(),
    ...(slackApiUrl ? { slackApiUrl } : {}),
  };
  const port = options.port ?? config.port;
  let server: Server | undefined;
  let receiver: Receiver;
  let socketReceiver: SocketModeReceiver | undefined;
  if (config.mode.kind === "socket") {
    socketReceiver = new SocketModeReceiver({
      appToken: config.mode.appToken,
      logger,
      // Socket Mode's own client (apps.connections.open) keeps its own, more patient retry policy for
      // reconnecting, so only the URL is passed on.
      installerOptions: { clientOptions: slackApiUrl ? { slackApiUrl } : {} },
      // An event that could not be queued is not acknowledged: Slack sends it again.
      processEventErrorHandler: async ({ error }) => {
        logger.warn(`An event was not taken (${describe(error)}); Slack will send it again.`);
        return false;
      },
    });
    receiver = socketReceiver;
    // Socket Mode needs no public port; /healthz, /readyz and /metrics get one of their own.
    server = createServer((req, res) => {
      const route = routes.find((r) => r.path === (req.url ?? "").split("?")[0] && r.method.includes(req.method ?? ""));
      if (route) route.handler(req, res);
      else res.writeHead(404).end();
    });
  } else {
    const http = new HTTPReceiver({
      signingSecret: config.mode.signingSecret,
      customRoutes: routes,
      logger,
      // An event that could not be queued (fleet mode, Redis away) gets 503, so Slack sends it again.
      processEventErrorHandler: async ({ error, response }) => {
        if (response.headersSent) return false;
        logger.warn(`An event was not taken (${describe(error)}); answered 503, so Slack sends it again.`);
        response.writeHead(503).end();
        return false;
      },
    });
    receiver = guardedReceiver(http, config.mode.signingSecret, replays, logger, () => metrics.replayRefused());
  }
  let stopped = false;
  const delays = options.retryDelaysMs ?? { first: 1_000, max: 30_000 };
  // Checked once at start-up; every event is then authorised as this bot, so Bolt needs no auth.test
  // of its own (its ignoreSelf reads the ids from here). Events that arrive first wait for the check.
  const identity = verifyTokens(config, health, logger, delays, () => stopped);
  identity.catch(() => undefined);
  const botToken = config.mode.botToken;
  // logLevel: Bolt sets its logger to INFO unless told, which silenced LOG_LEVEL=debug in Slack mode.
  const app = new CiteBotApp({
    authorize: async () => ({ botToken, ...(await identity) }),
    logger,
    logLevel: logger.getLevel(),
    clientOptions,
    receiver,
    ignoreSelf: true,
  });

  let inFlight = 0;
  app.use(async ({ next }) => {
    inFlight++;
    metrics.workStarted();
    try {
      await next();
    } finally {
      inFlight--;
      metrics.workFinished();
    }
  });
  register(app, listenerTable(deps));
  app.error(async (error) => {
    logger.error(`Unhandled error in a Slack listener: ${error.message}`);
  });

  if (fleet) {
    // Acknowledged only once stored: a replica that dies after the acknowledgement loses nothing.
    app.intake = async (event) => {
      if ((event.body as { type?: unknown }).type !== "event_callback" || health.shuttingDown) return false;
      // Known to be away: say so at once rather than wait on a connection that is retrying.
      if (!fleet.redis.up) throw new Error(`Redis is not answering (${fleet.redis.detail})`);
      await fleet.queue.submit(event.body as Parameters<typeof fleet.queue.submit>[0]);
      await event.ack();
      return true;
    };
  }

  if (socketReceiver) {
    socketReceiver.client.on("connected", () => {
      health.socketConnected = true;
      logger.info("Connected to Slack (Socket Mode).");
    });
    // "close" is the socket dropping; the client then waits a few seconds and emits "reconnecting".
    for (const event of ["close", "disconnected", "reconnecting"]) {
      socketReceiver.client.on(event, () => {
        if (health.socketConnected || event !== "close")
          logger.warn(`Socket Mode ${event}; Bolt reconnects automatically.`);
        health.socketConnected = false;
      });
    }
  }

  // The port opens first, so /healthz and /readyz answer while the tokens are checked and the index loads.
  try {
    if (socketReceiver) await listen(server!, port);
    else server = (await app.start(port)) as Server;
  } catch (error) {
    throw listenError(error, port);
  }
  const address = server!.address();
  const shownPort = typeof address === "object" && address ? address.port : port;
  logger.info(
    socketReceiver
      ? `Health on port ${shownPort} (GET /healthz, /readyz, /metrics).`
      : `Listening for Slack events on port ${shownPort} (POST /slack/events, GET /healthz, /readyz, /metrics).`,
  );

  const verified = (async () => {
    await identity;
    if (stopped) return;
    if (socketReceiver) await app.start();
    if (fleet) {
      fleet.queue.start((body, redelivered) => app.processQueued(body, redelivered));
    }
  })();
  verified.catch(() => undefined);

  return {
    app,
    deps,
    health,
    server,
    verified,
    idle: async () => {
      // Handlers run after the acknowledgement; let the ones just acknowledged start first.
      await new Promise((resolve) => setImmediate(resolve));
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    },
    stop: async (graceMs = config.shutdownGraceMs) => {
      if (stopped) return;
      stopped = true;
      health.shuttingDown = true;
      // No new work: the queue's worker stops taking events, the socket closes, the port stops accepting.
      const fleetClosed = fleet ? fleet.close(graceMs) : Promise.resolve();
      if (socketReceiver) {
        await socketReceiver.stop().catch(() => undefined);
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      } else {
        await app.stop().catch(() => undefined);
      }
      // Work in hand finishes, within the grace.
      const until = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
      if (inFlight > 0) logger.warn(`Stopped with ${inFlight} question(s) unanswered after ${graceMs} ms.`);
      await fleetClosed;
    },
  };
}
