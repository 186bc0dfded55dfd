/**
 * Slack signs every request with a timestamp; a request more than five minutes away from our clock
 * may be a replay. Bolt's verifier rejects only timestamps in the past, so this check (run before
 * Bolt's) also rejects ones in the future and ones that are not whole seconds. Pure.
 */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export function timestampProblem(header: string | string[] | undefined, nowSeconds: number): string | undefined {
  if (header === undefined) return "missing x-slack-request-timestamp";
  if (Array.isArray(header) || !/^\d{1,12}$/.test(header)) return "x-slack-request-timestamp is not a whole number of seconds";
  const skew = Number(header) - nowSeconds;
  if (skew > MAX_CLOCK_SKEW_SECONDS) return "x-slack-request-timestamp is in the future";
  if (skew < -MAX_CLOCK_SKEW_SECONDS) return "x-slack-request-timestamp is older than 5 minutes";
  return undefined;
}

/**
 * Why a signed request's parsed body cannot be an event, command or interaction: Bolt's HTTP
 * receiver reads a property of any body it parses, so `null` (or `payload=null`) throws outside any
 * handler, an unhandled rejection that stops Node, and a number, string or array is never answered.
 * Slack sends none of these; a caller holding the signing secret could.
 */
export function bodyShapeProblem(body: unknown): string | undefined {
  if (body === null) return "its body is null";
  if (Array.isArray(body)) return "its body is an array";
  if (typeof body !== "object") return `its body is a ${typeof body}`;
  return undefined;
}
