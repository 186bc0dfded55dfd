/**
 * Fleet mode (REDIS_URL): what several replicas of the bot share in one Redis. Decisions (duplicates,
 * rate limits, replayed signatures), the queue of acknowledged events, and feedback. Without
 * REDIS_URL none of this exists and the bot keeps its state in memory, as one process.
 */
import type { Logger } from "../logger.js";
import type { SharedDecisions } from "../slack/deps.js";
import type { FeedbackSink } from "../slack/feedback-log.js";
import { redisFeedback } from "./feedback.js";
import { bullWorkQueue, type WorkQueue } from "./queue.js";
import { connectRedis, redisClaims, redisRateLimits, type Claims } from "./state.js";

export interface Fleet {
  readonly decisions: SharedDecisions;
  /** Signatures of accepted requests, so the same signed request is accepted once across the fleet. */
  readonly replays: Claims;
  readonly feedback: FeedbackSink;
  readonly queue: WorkQueue;
  /** Whether Redis answers now, and the last thing heard from it. */
  readonly redis: { readonly up: boolean; readonly detail: string };
  /** Waits until Redis has answered once (start-up), or `timeoutMs` passes. */
  connected(timeoutMs: number): Promise<boolean>;
  close(graceMs: number): Promise<void>;
}

export interface FleetOptions {
  readonly redisUrl: string;
  readonly rateLimitPerMinute: number;
  readonly lockMs: number;
  readonly concurrency?: number;
}

export function createFleet(options: FleetOptions, logger: Logger): Fleet {
  const redis = { up: false, detail: "connecting" };
  let lastLogged = "";
  const onState = (up: boolean, detail: string) => {
    redis.up = up;
    redis.detail = detail;
    const line = up ? "Redis connected." : `Redis is not answering (${detail}); readiness says 503 until it is back.`;
    if (line !== lastLogged) {
      if (up) logger.info(line);
      else logger.warn(line);
    }
    lastLogged = line;
  };
  const connection = connectRedis(options.redisUrl, onState);
  const workerConnection = connectRedis(options.redisUrl, () => undefined, { forQueue: true });
  const queue = bullWorkQueue(connection, workerConnection, logger, {
    lockMs: options.lockMs,
    concurrency: options.concurrency ?? 4,
  });
  return {
    decisions: { seen: redisClaims(connection), rateLimiter: redisRateLimits(connection, options.rateLimitPerMinute) },
    replays: redisClaims(connection),
    feedback: redisFeedback(connection),
    queue,
    redis,
    connected: async (timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (!redis.up && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      return redis.up;
    },
    close: async (graceMs) => {
      await queue.close(graceMs);
      await Promise.allSettled([connection.quit(), workerConnection.quit()]);
    },
  };
}
