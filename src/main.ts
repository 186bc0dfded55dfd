import { createLiveAnswerService } from "./answer/live.js";
import { createEmbeddings } from "./embeddings/factory.js";
import { runTerminalChat } from "./chat/terminal.js";
import { loadDotEnv, readEngineConfig, readSlackConfig } from "./config.js";
import { readModelFitAndReport } from "./answer/model-fit.js";
import { describeError } from "./errors.js";
import { StderrLogger } from "./logger.js";
import { runCommand } from "./cli/run.js";
import { startSlackBot } from "./slack/app.js";

/**
 * `npm start`: the Slack bot (Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET), or a
 * local terminal chat when no Slack variable is set. Exits 1 listing every configuration problem, and
 * exits 1 with one line when Slack rejects a token or the port is taken. With REDIS_URL it is one
 * replica of a fleet (src/fleet/).
 */
async function main(): Promise<void> {
  loadDotEnv();
  const engineConfig = readEngineConfig();
  const slackConfig = readSlackConfig();
  const logger = new StderrLogger(engineConfig.logLevel);
  const fit = await readModelFitAndReport(engineConfig, logger);
  // Follows corpus/ while running: edits are indexed in the background and swapped in when ready.
  const embeddings = createEmbeddings(engineConfig, { worker: slackConfig.mode.kind !== "terminal" });
  const service = createLiveAnswerService({
    config: engineConfig,
    logger,
    embeddings,
    watch: true,
    ...(fit ? { fit } : {}),
  });

  if (slackConfig.mode.kind === "terminal") {
    await runTerminalChat(service, process.stdin, process.stdout, {
      terminal: process.stdin.isTTY === true && process.stdout.isTTY === true,
      log: logger,
    });
    await (await service.catch(() => undefined))?.close();
    return;
  }
  // A promise a library leaves without a handler stops Node by default, and with it every conversation
  // held in memory (Bolt's HTTP receiver left one for a signed `null` body). Logged, and the bot serves on.
  process.on("unhandledRejection", (reason) =>
    logger.error(`Unexpected error outside any handler (still serving): ${describeError(reason)}`),
  );
  // Loaded only for a fleet: one process never loads the Redis client and the queue (about 23 MiB resident).
  const fleet = slackConfig.redisUrl
    ? (await import("./fleet/fleet.js")).createFleet(
        {
          redisUrl: slackConfig.redisUrl,
          rateLimitPerMinute: slackConfig.rateLimitPerMinute,
          lockMs: slackConfig.fleetLockMs,
        },
        logger,
      )
    : undefined;
  // The port opens at once, so /healthz and /readyz answer while the tokens are checked and the index loads.
  const bot = await startSlackBot({ config: slackConfig, engine: service, logger, ...(fleet ? { fleet } : {}) }).catch(
    async (error: unknown) => {
      // The port is taken, or the like: one line, and exit now (the index loading in a worker would keep the process up).
      await fleet?.close(0);
      process.stderr.write(`${describeError(error)}\n`);
      process.exit(1);
    },
  );

  let exiting = false;
  const shutdown = (signal: string, code: number) => {
    if (exiting) return;
    exiting = true;
    logger.info(
      `${signal}: shutting down (readiness 503, no new work, finishing the work in hand for up to ${slackConfig.shutdownGraceMs / 1000} s).`,
    );
    void service.then(
      (s) => s.close(),
      () => undefined,
    );
    bot.stop().then(
      () => {
        logger.info("Stopped.");
        process.exit(code);
      },
      (error: unknown) => {
        logger.error(`Shutdown failed: ${describeError(error)}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT", 0));
  process.once("SIGTERM", () => shutdown("SIGTERM", 0));

  // "Ready" only when both hold: the index answers and Slack accepted the tokens.
  Promise.all([service, bot.verified]).then(
    ([s]) =>
      logger.info(
        `Ready: ${s.manifest.sentenceCount} sentences from ${s.manifest.files.length} file(s)${fleet ? ", one replica of a fleet (REDIS_URL)" : ""}.`,
      ),
    (error: unknown) => {
      logger.error(describeError(error).replace(/^[A-Z_]+: /, ""));
      process.exitCode = 1;
      shutdown("Start-up failed", 1);
    },
  );
}

// As documented in the README, `npm start` exits 1 on a configuration problem.
runCommand(main, 1);
