/**
 * What replicas must agree on: which events and messages were already taken (so each is answered
 * once), how many questions a user asked this minute, which signed requests were already seen. One
 * process keeps it in memory (here, the default); a fleet keeps it in Redis (state.ts, with REDIS_URL),
 * so a Slack retry, the `message` twin of an `app_mention`, or a replayed request landing on another
 * replica is recognised there too. Kept apart from state.ts so that one process never loads the Redis client.
 */
import type { RateDecision, RateLimiter, RecentKeys } from "../slack/dedup.js";

export interface Claims {
  /**
   * True the first time `key` is claimed within the window, or when `owner` claimed it before (the
   * same queued job run again after its replica died); false for anyone else.
   */
  firstTime(key: string, owner?: string): Promise<boolean>;
}

export interface RateLimits {
  /** "allow", then one "warn" past the limit, then "drop" until the window passes. */
  check(user: string): Promise<RateDecision>;
}

/** One process: the bounded in-memory caches CiteBot always had. */
export function memoryClaims(keys: RecentKeys): Claims {
  return { firstTime: async (key) => keys.firstTime(key) };
}

export function memoryRateLimits(limiter: RateLimiter): RateLimits {
  return { check: async (user) => limiter.check(user) };
}
