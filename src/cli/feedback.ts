import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Redis } from "ioredis";
import { loadDotEnv, readSlackConfig } from "../config.js";
import { CiteBotError, ErrorCode } from "../errors.js";
import { exportFeedback } from "../fleet/feedback.js";
import { FEEDBACK_OPTIONS, FEEDBACK_USAGE } from "./args.js";
import { readOptions, runCommand } from "./run.js";

/** `npm run feedback`: every feedback click as JSONL on stdout, from the fleet's Redis or the local log. */
async function main(): Promise<number | void> {
  const options = readOptions(process.argv.slice(2), FEEDBACK_OPTIONS, FEEDBACK_USAGE);
  if (typeof options === "number") return options;
  loadDotEnv();
  const config = readSlackConfig();
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on("error", () => undefined);
    try {
      const count = await exportFeedback(redis, (line) => process.stdout.write(line));
      process.stderr.write(`${count} feedback record(s) from ${config.redisUrl.replace(/\/\/[^@/]*@/, "//***@")}.\n`);
    } catch (error) {
      throw new CiteBotError(
        ErrorCode.FeedbackUnavailable,
        `Cannot read feedback from REDIS_URL (${(error as Error).message}); check that Redis is running and the URL is right.`,
        { cause: error },
      );
    } finally {
      redis.disconnect();
    }
    return;
  }
  try {
    await pipeline(createReadStream(config.feedbackLog), process.stdout, { end: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      process.stderr.write(`No feedback yet (${config.feedbackLog} does not exist).\n`);
      return;
    }
    throw new CiteBotError(
      ErrorCode.FeedbackUnavailable,
      `Cannot read ${config.feedbackLog} (${(error as NodeJS.ErrnoException).code ?? "error"}); check FEEDBACK_LOG.`,
      { cause: error },
    );
  }
}

runCommand(main);
