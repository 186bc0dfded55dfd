/**
 * The bot in its own process for `npm run bench`, so that the load generator and the fake Slack
 * (in the parent) time requests on an event loop the bot's work does not block. Reads the usual
 * configuration from the environment and prints {"port": N} on stdout once the engine is ready.
 */
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { createAnswerService } from "../answer/service.js";
import { readEngineConfig, readSlackConfig } from "../config.js";
import { createEmbeddings } from "../embeddings/factory.js";
import { describeError } from "../errors.js";
import { SilentLogger, StderrLogger } from "../logger.js";
import { startSlackBot } from "../slack/app.js";

async function main(): Promise<void> {
  const engineConfig = readEngineConfig();
  const engine = await createAnswerService({
    config: engineConfig,
    logger: new StderrLogger(engineConfig.logLevel),
    embeddings: createEmbeddings(engineConfig, { worker: true }),
  });
  const bot = await startSlackBot({
    config: readSlackConfig(),
    engine: Promise.resolve(engine),
    logger: new SilentLogger(),
    port: 0,
  });
  process.stdout.write(`${JSON.stringify({ port: (bot.server!.address() as AddressInfo).port })}\n`);
  // "memory" on stdin: collect garbage (when run with --expose-gc) and report memory, so a soak can
  // tell a leak from a lazy collector.
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== "memory") continue;
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ rss, heapUsed })}\n`);
  }
  process.once("SIGTERM", () => void bot.stop().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${describeError(error)}\n`);
  process.exit(1);
});
