/**
 * Slack signs every request with a timestamp; a request more than five minutes away from our clock
 * may be a replay. Bolt's verifier rejects only timestamps in the past, so this check (run before
 * Bolt's) also rejects ones in the future and ones that are not whole seconds. Pure.
 */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export function timestampProblem(header: string | string[] | undefined, nowSeconds: number): string | undefined {
  if (header === undefined) return "missing x-slack-request-timestamp";
  // Slack writes seconds since 1970 in plain digits; "0" + a timestamp is the same number written another way.
  if (Array.isArray(header) || !/^[1-9]\d{0,11}$/.test(header))
    return "x-slack-request-timestamp is not a whole number of seconds written plainly";
  const skew = Number(header) - nowSeconds;
  if (skew > MAX_CLOCK_SKEW_SECONDS) return "x-slack-request-timestamp is in the future";
  if (skew < -MAX_CLOCK_SKEW_SECONDS) return "x-slack-request-timestamp is older than 5 minutes";
  return undefined;
}

/**
 * Slack's signature header is `v0=` and a lower-case hex HMAC-SHA256, nothing else. Bolt compares a
 * prefix of what follows, so a valid signature with "=junk" appended passed. Pure.
 */
export function signatureProblem(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return "missing x-slack-signature";
  if (Array.isArray(header) || !/^v0=[0-9a-f]{64}$/.test(header))
    return "x-slack-signature is not v0= and 64 lower-case hex digits";
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
  // The fields Bolt reads before any listener runs: a null there failed with 500 and an error logged.
  const fields = body as Record<string, unknown>;
  const isObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
  if (fields.type === "event_callback" && !isObject(fields.event)) return "its event is not an object";
  if (fields.type === "event_callback" && typeof (fields.event as Record<string, unknown>).type !== "string")
    return "its event has no type";
  if (fields.type === "block_actions" && !(Array.isArray(fields.actions) && fields.actions.every(isObject)))
    return "its actions are not a list of objects";
  if ((fields.type === "message_action" || fields.type === "shortcut") && typeof fields.callback_id !== "string")
    return "its shortcut has no callback_id";
  if (fields.type === "message_action" && !(isObject(fields.message) && isObject(fields.channel)))
    return "its message or channel is not an object";
  return undefined;
}
