import { signedHeaders } from "./fake-slack.js";

export interface Delivery {
  /** The replica (index) that acknowledged it, or undefined when none did. */
  readonly ackedBy: number | undefined;
  readonly attempts: number;
}

/**
 * Delivers an Events API body the way Slack does to a fleet behind a load balancer: to one replica,
 * and when it does not acknowledge (an error, a non-2xx status, or no answer within `ackWithinMs`),
 * again to the next, with `x-slack-retry-num` and a fresh signature, up to `retries` times.
 */
export async function deliverLikeSlack(
  body: string,
  urls: readonly string[],
  secret: string,
  options: { first?: number; retries?: number; ackWithinMs?: number } = {},
): Promise<Delivery> {
  const retries = options.retries ?? 3;
  // One clock reading: attempts seconds apart in their timestamps, so never the same signature (a replay).
  const first = Math.floor(Date.now() / 1000);
  for (let attempt = 0; attempt <= retries; attempt++) {
    const target = ((options.first ?? 0) + attempt) % urls.length;
    // Each attempt is signed anew, as Slack re-signs its retries.
    const headers: Record<string, string> = {
      "content-type": "application/json",
      ...signedHeaders(secret, body, first - attempt),
    };
    if (attempt > 0)
      Object.assign(headers, { "x-slack-retry-num": String(attempt), "x-slack-retry-reason": "http_error" });
    try {
      const res = await fetch(`${urls[target]}/slack/events`, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(options.ackWithinMs ?? 3_000),
      });
      if (res.ok) return { ackedBy: target, attempts: attempt + 1 };
    } catch {
      // Refused, reset or too slow: Slack tries again.
    }
  }
  return { ackedBy: undefined, attempts: retries + 1 };
}
