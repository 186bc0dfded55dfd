/**
 * A bounded set of recently seen keys with a time-to-live: remembers enough to drop Slack's
 * retries and the app_mention + message pair for one message, without growing forever.
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time a key is seen (within the TTL), false for repeats. */
  firstTime(key: string): boolean {
    const t = this.now();
    this.evict(t);
    if (this.seen.has(key)) return false;
    this.seen.set(key, t + this.ttlMs);
    this.evict(t);
    return true;
  }

  has(key: string): boolean {
    const expiry = this.seen.get(key);
    return expiry !== undefined && expiry > this.now();
  }

  add(key: string): void {
    this.seen.delete(key);
    this.seen.set(key, this.now() + this.ttlMs);
    this.evict(this.now());
  }

  get size(): number {
    return this.seen.size;
  }

  /** Map iteration is insertion order, so the oldest entries come first. */
  private evict(t: number): void {
    for (const [key, expiry] of this.seen) {
      if (expiry > t && this.seen.size <= this.maxKeys) break;
      this.seen.delete(key);
    }
  }
}

/** A bounded key-value store with a TTL (answers kept for feedback and share clicks). */
export class RecentValues<V> {
  private readonly values = new Map<string, { value: V; expiry: number }>();

  constructor(
    private readonly ttlMs = 24 * 60 * 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  set(key: string, value: V): void {
    this.values.delete(key);
    this.values.set(key, { value, expiry: this.now() + this.ttlMs });
    const t = this.now();
    for (const [k, entry] of this.values) {
      if (entry.expiry > t && this.values.size <= this.maxEntries) break;
      this.values.delete(k);
    }
  }

  get(key: string): V | undefined {
    const entry = this.values.get(key);
    return entry && entry.expiry > this.now() ? entry.value : undefined;
  }

  get size(): number {
    return this.values.size;
  }
}

export type RateDecision = "allow" | "warn" | "drop";

/**
 * Per-user sliding-window limit. The first question over the limit gets one polite warning
 * ("warn"); further ones in the same window are dropped silently, so nobody is flooded.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { times: number[]; warned: boolean }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxUsers = 50_000,
  ) {}

  check(user: string): RateDecision {
    if (this.perMinute <= 0) return "allow";
    const t = this.now();
    const entry = this.hits.get(user) ?? { times: [], warned: false };
    entry.times = entry.times.filter((x) => x > t - 60_000);
    if (entry.times.length === 0) entry.warned = false;
    this.hits.delete(user);
    this.hits.set(user, entry);
    if (this.hits.size > this.maxUsers) this.hits.delete(this.hits.keys().next().value!);
    if (entry.times.length < this.perMinute) {
      entry.times.push(t);
      return "allow";
    }
    if (entry.warned) return "drop";
    entry.warned = true;
    return "warn";
  }
}
