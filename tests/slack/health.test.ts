import { describe, expect, it } from "vitest";
import { jobIdOf } from "../../src/fleet/queue.js";
import { readiness, type Health } from "../../src/slack/health.js";

const healthy: Health = { engine: "ready", slackAuth: "ok", socketConnected: true, shuttingDown: false };

describe("readiness", () => {
  it.each<[string, Partial<Health>, "http" | "socket", { up: boolean; detail: string } | undefined, object]>([
    [
      "HTTP, one process, all good",
      {},
      "http",
      undefined,
      { ready: true, engine: "ready", slackAuth: "ok", reasons: [] },
    ],
    ["Socket Mode, all good", {}, "socket", undefined, { ready: true, socketConnected: true, reasons: [] }],
    [
      "a fleet replica, all good",
      {},
      "http",
      { up: true, detail: "connected" },
      { ready: true, redis: "up", reasons: [] },
    ],
    [
      "the index loading",
      { engine: "loading" },
      "http",
      undefined,
      { ready: false, reasons: ["the index is loading"] },
    ],
    [
      "the engine failed",
      { engine: "failed" },
      "http",
      undefined,
      { ready: false, reasons: ["the answer engine failed to start (see the log)"] },
    ],
    [
      "the tokens being checked",
      { slackAuth: "pending" },
      "http",
      undefined,
      { ready: false, reasons: ["checking the Slack tokens"] },
    ],
    [
      "Slack out of reach",
      { slackAuth: "unreachable" },
      "http",
      undefined,
      { ready: false, reasons: ["Slack cannot be reached (see the log for the URL tried)"] },
    ],
    [
      "the socket down",
      { socketConnected: false },
      "socket",
      undefined,
      { ready: false, socketConnected: false, reasons: ["the Socket Mode connection is down"] },
    ],
    [
      "Redis away",
      {},
      "http",
      { up: false, detail: "connect ECONNREFUSED" },
      { ready: false, redis: "down", reasons: ["Redis is not answering (connect ECONNREFUSED)"] },
    ],
    [
      "shutting down",
      { shuttingDown: true },
      "http",
      undefined,
      { ready: false, shuttingDown: true, reasons: ["shutting down"] },
    ],
  ])("%s", (_name, change, mode, redis, expected) => {
    expect(readiness({ ...healthy, ...change }, mode, redis)).toMatchObject(expected);
  });

  it("reports only what applies to the mode", () => {
    expect(readiness({ ...healthy, socketConnected: false }, "http", undefined)).not.toHaveProperty("socketConnected");
    expect(readiness(healthy, "socket", undefined)).not.toHaveProperty("redis");
  });
});

describe("jobIdOf", () => {
  it.each([
    [{ type: "event_callback", event_id: "Ev0123ABC" }, "ev-Ev0123ABC"],
    [{ type: "event_callback", event_id: "Ev:1/2" }, "ev-Ev_1_2"],
    [{ type: "event_callback" }, undefined],
    [{ type: "event_callback", event_id: "" }, undefined],
  ])("%o -> %s", (body, id) => {
    expect(jobIdOf(body)).toBe(id);
  });
});
