import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, FakeSlack } from "../../src/bench/fake-slack.js";
import { freePort } from "../../src/bench/redis-server.js";
import { tempDir } from "../helpers/temp.js";

/**
 * `npm start` as an operator meets it: tokens Slack rejects, Slack out of reach, a port in use,
 * SIGTERM. The real entry point in a child process, against a local fake Slack.
 */
const fake = new FakeSlack();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

function start(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("SLACK_") && k !== "REDIS_URL"),
  );
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("src/main.ts")], {
    env: { ...clean, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr, port: () => Number(/on port (\d+)/.exec(stderr)?.[1]) };
}

const http = async (env: Record<string, string> = {}) => ({
  SLACK_BOT_TOKEN: "xoxb-test",
  SLACK_SIGNING_SECRET: "secret",
  SLACK_API_URL: fake.apiUrl,
  INDEX_DIR: await tempDir(),
  ...env,
});

describe("npm start fails loudly", () => {
  it.each(["invalid_auth", "token_revoked", "not_authed"])(
    "exits 1 naming SLACK_BOT_TOKEN when Slack answers %s, and never says Ready",
    async (code) => {
      fake.failures.set("auth.test", [{ status: 200, body: { ok: false, error: code } }]);
      const bot = start(await http());
      expect(await bot.exited).toBe(1);
      expect(bot.stderr()).toContain(`SLACK_BOT_TOKEN was rejected by Slack (${code}); copy the Bot User OAuth Token`);
      expect(bot.stderr()).not.toContain("Ready");
    },
  );

  it("exits 1 naming SLACK_APP_TOKEN when Slack rejects the app token (Socket Mode)", async () => {
    fake.failures.set("apps.connections.open", [{ status: 200, body: { ok: false, error: "invalid_auth" } }]);
    const bot = start({
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_APP_TOKEN: "xapp-test",
      SLACK_API_URL: fake.apiUrl,
      INDEX_DIR: await tempDir(),
    });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain("SLACK_APP_TOKEN was rejected by Slack (invalid_auth); create an App-Level Token");
    expect(bot.stderr()).not.toContain("Ready");
  });

  it("keeps trying an unreachable Slack, one line per attempt naming the URL and SLACK_API_URL, with /readyz 503 and /healthz 200", async () => {
    const closed = await freePort();
    const bot = start(await http({ SLACK_API_URL: `http://127.0.0.1:${closed}/api/` }));
    try {
      await eventually(() => (bot.stderr().match(/Cannot reach Slack at/g) ?? []).length >= 2, "two attempts", 1200);
      expect(bot.stderr()).toMatch(
        new RegExp(
          `Cannot reach Slack at http://127\\.0\\.0\\.1:${closed}/api/auth\\.test \\(attempt 1: .*\\); check SLACK_API_URL, the network and any proxy \\(HTTPS_PROXY\\); trying again in 1 s\\.`,
        ),
      );
      const port = bot.port();
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reasons: string[] }).reasons).toContain(
        "Slack cannot be reached (see the log for the URL tried)",
      );
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(bot.stderr()).not.toContain("Ready");
    } finally {
      bot.child.kill("SIGKILL");
    }
  });

  it("exits 1 naming PORT when the port is in use", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "0.0.0.0", resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const bot = start({ ...(await http()), PORT: String(port) });
      expect(await bot.exited).toBe(1);
      expect(bot.stderr()).toContain(
        `PORT ${port} is already in use (EADDRINUSE); stop the other process or set PORT to a free port.`,
      );
    } finally {
      await new Promise((resolve) => (taken as Server).close(resolve));
    }
  });

  it("shuts down on SIGTERM: readiness goes 503 first, then exit 0", async () => {
    const bot = start(await http());
    await eventually(() => bot.stderr().includes("Ready:"), "ready", 2400);
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).toContain("SIGTERM: shutting down (readiness 503, no new work");
    expect(bot.stderr()).toContain("Stopped.");
  });
});
