/**
 * The fleet's shared decisions (decisions.ts) in Redis: claims on events, messages and signatures,
 * and per-user rate limits, atomic across replicas.
 */
import { Redis } from "ioredis";
import type { Claims, RateLimits } from "./decisions.js";

export type { Claims, RateLimits };

/** How long a claim on an event, message or signature is kept: past Slack's retries (up to about 5 minutes apart) and its 5-minute signature window. */
export const CLAIM_TTL_MS = 60 * 60_000;

/** Keys are namespaced, so one Redis can serve other apps (and tests) too. */
export const KEY_PREFIX = "citebot:";

// SET NX, or true when the key already holds this owner: one round trip, atomic.
const CLAIM_SCRIPT = `
if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 1 end
if ARGV[3] == "1" and redis.call("GET", KEYS[1]) == ARGV[1] then return 1 end
return 0`;

// INCR in a fixed window: the first hit of a window sets its expiry.
const HIT_SCRIPT = `
local n = redis.call("INCR", KEYS[1])
if n == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[1]) end
return n`;

export function redisClaims(redis: Redis, ttlMs = CLAIM_TTL_MS): Claims {
  return {
    firstTime: async (key, owner) =>
      (await redis.eval(
        CLAIM_SCRIPT,
        1,
        `${KEY_PREFIX}claim:${key}`,
        owner ?? "-",
        String(ttlMs),
        owner ? "1" : "0",
      )) === 1,
  };
}

/**
 * Per user and minute, fleet-wide. A fixed window (the minute on the clock of the first question)
 * rather than the single process's sliding one: one counter per user in Redis, never a list.
 */
export function redisRateLimits(redis: Redis, perMinute: number): RateLimits {
  return {
    check: async (user) => {
      if (perMinute <= 0) return "allow";
      const n = Number(await redis.eval(HIT_SCRIPT, 1, `${KEY_PREFIX}rate:${user}`, "60000"));
      return n <= perMinute ? "allow" : n === perMinute + 1 ? "warn" : "drop";
    },
  };
}

/**
 * A Redis connection for CiteBot's state: commands wait while Redis is away (up to a bound) rather
 * than failing at once, and reconnect with backoff. `onState` hears each change, for readiness.
 */
export function connectRedis(
  url: string,
  onState: (up: boolean, detail: string) => void,
  options: { forQueue?: boolean } = {},
): Redis {
  const redis = new Redis(url, {
    // BullMQ's blocking worker connection must not give up on a command.
    maxRetriesPerRequest: options.forQueue ? null : 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(200 * 2 ** attempt, 5_000),
    lazyConnect: false,
  });
  redis.on("ready", () => onState(true, "connected"));
  redis.on("error", (error: Error) => onState(false, error.message));
  redis.on("end", () => onState(false, "connection closed"));
  return redis;
}
