import type { AddressInfo } from "node:net";
import path from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { startSlackBot, type SlackBot } from "../../src/slack/app.js";
import { eventually, FakeSlack } from "../../src/bench/fake-slack.js";
import { announceMissingRedis, REDIS_AVAILABLE, startRedis } from "../../src/bench/redis-server.js";
import { createFleet } from "../../src/fleet/fleet.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { testSlackConfig } from "../helpers/slack-config.js";

/**
 * Socket Mode against a local fake: apps.connections.open (fake Web API) hands out a local
 * WebSocket server that says hello, delivers events in envelopes, and can drop the connection.
 */
const fake = new FakeSlack();
const sockets: WebSocket[] = [];
const acks: string[] = [];
let wss: WebSocketServer;
let bot: SlackBot;
let healthUrl: string;

beforeAll(async () => {
  await fake.start();
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => wss.once("listening", resolve));
  fake.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  wss.on("connection", (socket) => {
    sockets.push(socket);
    socket.on("message", (data) => acks.push(String(data)));
    socket.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        debug_info: { host: "fake", approximate_connection_time: 3600 },
        connection_info: { app_id: "A1" },
      }),
    );
  });
  bot = await startSlackBot({
    config: testSlackConfig(
      { kind: "socket", botToken: "xoxb-test", appToken: "xapp-test" },
      fake.apiUrl,
      path.join(tmpdir(), `citebot-socket-${process.pid}.jsonl`),
    ),
    engine: Promise.resolve({
      answer: async (question: string) => ({
        kind: "answer" as const,
        question,
        answered: true as const,
        text: "Yes. [1]",
        citations: [{ n: 1, text: "Yes.", source: "corpus/a.txt", lineStart: 1, lineEnd: 1, score: 1 }],
        related: [],
      }),
      manifest: { files: [{ source: "corpus/a.txt", sentences: 1 }], builtAt: "2026-11-29T17:13:06.037Z" },
    }),
    logger: new FakeLogger(),
    port: 0,
  });
  healthUrl = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/readyz`;
});

afterAll(async () => {
  await bot?.stop().catch(() => undefined);
  wss?.close();
  await fake.stop();
});

describe("Socket Mode", () => {
  it("is ready once connected, says so for the mode, and answers an event delivered over the socket", async () => {
    await eventually(async () => (await fetch(healthUrl)).status === 200, "ready");
    expect(await (await fetch(healthUrl)).json()).toEqual({
      ready: true,
      engine: "ready",
      slackAuth: "ok",
      socketConnected: true,
      reasons: [],
    });
    expect(fake.callsTo("apps.connections.open").length).toBeGreaterThanOrEqual(2); // the app token's check, then the socket
    sockets.at(-1)!.send(
      JSON.stringify({
        envelope_id: "env-1",
        type: "events_api",
        accepts_response_payload: false,
        payload: {
          type: "event_callback",
          team_id: "T1",
          api_app_id: "A1",
          event_id: "EvSock1",
          event_time: 1,
          authorizations: [{ team_id: "T1", user_id: "UBOT", is_bot: true }],
          event: {
            type: "app_mention",
            user: "U1",
            text: "<@UBOT> are you there?",
            ts: "10.1",
            event_ts: "10.1",
            channel: "C1",
          },
        },
      }),
    );
    const [reply] = await eventually(
      () => fake.callsTo("chat.postMessage").length > 0 && fake.callsTo("chat.postMessage"),
      "the reply",
    );
    expect(reply!.args).toMatchObject({ channel: "C1", thread_ts: "10.1" });
    expect(acks.some((a) => a.includes("env-1"))).toBe(true);
  });

  it("reports 503 on /readyz while disconnected, 200 on /healthz all along, and reconnects by itself", async () => {
    const liveness = healthUrl.replace("/readyz", "/healthz");
    const opened = fake.callsTo("apps.connections.open").length;
    const statuses: number[] = [];
    sockets.at(-1)!.terminate();
    await eventually(async () => {
      const status = (await fetch(healthUrl)).status;
      statuses.push(status);
      expect((await fetch(liveness)).status).toBe(200);
      return fake.callsTo("apps.connections.open").length > opened && status === 200;
    }, "reconnected and healthy");
    expect(statuses).toContain(503);
    expect(statuses.at(-1)).toBe(200);
  });
});

announceMissingRedis("the Socket Mode fleet test");
describe.skipIf(!REDIS_AVAILABLE)("Socket Mode in a fleet: each replica holds its own connection", () => {
  it("answers an event once when Slack sends it over two replicas' connections, acknowledging each only once it is stored", async () => {
    const redis = await startRedis();
    const slack = new FakeSlack();
    await slack.start();
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    slack.socketUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const connections: WebSocket[] = [];
    const acked: string[] = [];
    server.on("connection", (socket) => {
      connections.push(socket);
      socket.on("message", (data) => acked.push(String(data)));
      socket.send(
        JSON.stringify({
          type: "hello",
          num_connections: connections.length,
          debug_info: { host: "fake" },
          connection_info: { app_id: "A1" },
        }),
      );
    });
    const replicas: SlackBot[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const fleet = createFleet({ redisUrl: redis.url, rateLimitPerMinute: 0, lockMs: 2_000 }, new FakeLogger());
        replicas.push(
          await startSlackBot({
            config: testSlackConfig(
              { kind: "socket", botToken: "xoxb-test", appToken: "xapp-test" },
              slack.apiUrl,
              path.join(tmpdir(), `citebot-sf-${process.pid}.jsonl`),
              { redisUrl: redis.url, fleetLockMs: 2_000, shutdownGraceMs: 1_000 },
            ),
            engine: Promise.resolve({
              answer: async (question: string) => ({
                kind: "answer" as const,
                question,
                answered: true as const,
                text: "Yes. [1]",
                citations: [{ n: 1, text: "Yes.", source: "corpus/a.txt", lineStart: 1, lineEnd: 1, score: 1 }],
                related: [],
              }),
              manifest: { files: [{ source: "corpus/a.txt", sentences: 1 }], builtAt: "2026-11-29T17:13:06.037Z" },
            }),
            logger: new FakeLogger(),
            port: 0,
            fleet,
          }),
        );
      }
      await eventually(() => connections.length === 2, "two connections");
      for (const [i, socket] of connections.entries()) {
        socket.send(
          JSON.stringify({
            envelope_id: `env-fleet-${i}`,
            type: "events_api",
            accepts_response_payload: false,
            retry_attempt: i,
            retry_reason: i ? "timeout" : "",
            payload: {
              type: "event_callback",
              team_id: "T1",
              api_app_id: "A1",
              event_id: "EvSockFleet",
              event_time: 1,
              authorizations: [{ team_id: "T1", user_id: "UBOT", is_bot: true }],
              event: {
                type: "app_mention",
                user: "U1",
                text: "<@UBOT> are you there?",
                ts: "20.1",
                event_ts: "20.1",
                channel: "CSF",
              },
            },
          }),
        );
      }
      await eventually(() => acked.filter((a) => a.includes("env-fleet-")).length === 2, "both acknowledged");
      await eventually(() => slack.callsTo("chat.postMessage").length > 0, "the answer");
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "CSF")).toHaveLength(1);
    } finally {
      await Promise.all(replicas.map((r) => r.stop(500)));
      server.close();
      await slack.stop();
      await redis.dispose();
    }
  });
});
