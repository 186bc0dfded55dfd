import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** Whether a `redis-server` is on PATH (CI installs Debian's package; see .ci/run). */
export const REDIS_AVAILABLE = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

/** Says, in one line, that the fleet tests or benchmark are skipped because there is no redis-server: never a silent skip. */
export function announceMissingRedis(what: string): void {
  if (!REDIS_AVAILABLE)
    process.stderr.write(
      `SKIPPED: ${what} need redis-server on PATH (apt-get install -y redis-server); CI installs it.\n`,
    );
}

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGKILL when `crash`), keeping its data folder, so `start` brings the same data back. */
  stop(crash?: boolean): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/** A redis-server of the caller's own (a test's, the benchmark's), on a free port, persisting as a fleet should (appendonly yes). */
export async function startRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), "citebot-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--save",
        "",
        "--protected-mode",
        "no",
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 200; i++) {
      if (spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.trim() === "PONG") return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = async (crash = false) => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill(crash ? "SIGKILL" : "SIGTERM");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    dispose: async () => (await stop(true), await rm(dir, { recursive: true, force: true })),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
