import type { SlackConfig, SlackMode } from "../../src/config.js";

/**
 * A Slack configuration for a test: its mode, the fake Slack's URL and where feedback goes; the rest
 * as one process with no rate limit (`overrides` for a fleet, a limit, a shorter grace).
 */
export function testSlackConfig(
  mode: Exclude<SlackMode, { kind: "terminal" }>,
  slackApiUrl: string,
  feedbackLog: string,
  overrides: Partial<SlackConfig> = {},
): SlackConfig {
  return {
    mode,
    port: 0,
    slackApiUrl,
    feedbackLog,
    rateLimitPerMinute: 0,
    redisUrl: undefined,
    fleetLockMs: 30_000,
    shutdownGraceMs: 2_000,
    ...overrides,
  };
}
