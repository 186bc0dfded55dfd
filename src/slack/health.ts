/**
 * Liveness and readiness. GET /healthz answers 200 while the process runs; GET /readyz answers 200
 * only when this replica can serve a question end to end: the engine is ready, Slack accepted the
 * bot token, the socket is connected (Socket Mode) and Redis answers (fleet mode), and it is not
 * shutting down. Otherwise 503, with the reasons. Only what applies to the mode is reported. Pure.
 */
export interface Health {
  engine: "loading" | "ready" | "failed";
  /** "unreachable" while start-up keeps trying to reach Slack. */
  slackAuth: "pending" | "ok" | "unreachable";
  /** Socket Mode only. */
  socketConnected: boolean;
  shuttingDown: boolean;
}

export interface Readiness {
  readonly ready: boolean;
  readonly engine: Health["engine"];
  readonly slackAuth: Health["slackAuth"];
  readonly socketConnected?: boolean;
  readonly redis?: "up" | "down";
  readonly shuttingDown?: true;
  /** Why not ready, one phrase each; empty when ready. */
  readonly reasons: readonly string[];
}

export function readiness(
  health: Health,
  mode: "http" | "socket",
  redis: { readonly up: boolean; readonly detail: string } | undefined,
): Readiness {
  const reasons: string[] = [];
  if (health.shuttingDown) reasons.push("shutting down");
  if (health.engine === "loading") reasons.push("the index is loading");
  if (health.engine === "failed") reasons.push("the answer engine failed to start (see the log)");
  if (health.slackAuth === "pending") reasons.push("checking the Slack tokens");
  if (health.slackAuth === "unreachable") reasons.push("Slack cannot be reached (see the log for the URL tried)");
  if (mode === "socket" && !health.socketConnected) reasons.push("the Socket Mode connection is down");
  if (redis && !redis.up) reasons.push(`Redis is not answering (${redis.detail})`);
  return {
    ready: reasons.length === 0,
    engine: health.engine,
    slackAuth: health.slackAuth,
    ...(mode === "socket" ? { socketConnected: health.socketConnected } : {}),
    ...(redis ? { redis: redis.up ? ("up" as const) : ("down" as const) } : {}),
    ...(health.shuttingDown ? { shuttingDown: true as const } : {}),
    reasons,
  };
}
