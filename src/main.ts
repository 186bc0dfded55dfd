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
 * local terminal chat when no Slack variable is set. Exits 1 listing every configuration problem.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const engineConfig = readEngineConfig();
  const slackConfig = readSlackConfig();
  const logger = new StderrLogger(engineConfig.logLevel);
  const fit = await readModelFitAndReport(engineConfig, logger);
  // Follows corpus/ while running: edits are indexed in the background and swapped in when ready.
  const embeddings = createEmbeddings(engineConfig, { worker: slackConfig.mode.kind !== "terminal" });
  const service = createLiveAnswerService({ config: engineConfig, logger, embeddings, watch: true, ...(fit ? { fit } : {}) });

  if (slackConfig.mode.kind === "terminal") {
    await runTerminalChat(service, process.stdin, process.stdout, { terminal: process.stdin.isTTY === true && process.stdout.isTTY === true, log: logger });
    (await service.catch(() => undefined))?.close();
    return;
  }
  // A promise a library leaves without a handler stops Node by default, and with it every conversation
  // held in memory (Bolt's HTTP receiver left one for a signed `null` body). Logged, and the bot serves on.
  process.on("unhandledRejection", (reason) => logger.error(`Unexpected error outside any handler (still serving): ${describeError(reason)}`));
  // The receiver starts at once so /healthz answers 503 while the index loads.
  const bot = await startSlackBot({ config: slackConfig, engine: service, logger });
  service.then(
    (s) => logger.info(`Ready: ${s.manifest.sentenceCount} sentences from ${s.manifest.files.length} file(s).`),
    (error: unknown) => {
      logger.error(`The answer engine could not start: ${describeError(error)}`);
      process.exitCode = 1;
      void bot.stop();
    },
  );
  const shutdown = () => {
    logger.info("Shutting down.");
    void service.then((s) => s.close(), () => undefined);
    bot.stop().finally(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

// As documented in the README, `npm start` exits 1 on a configuration problem.
runCommand(main, 1);
