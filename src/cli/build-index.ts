import { createAnswerService } from "../answer/service.js";
import { loadDotEnv, readEngineConfig } from "../config.js";
import { StderrLogger } from "../logger.js";
import { stderrProgress } from "./progress.js";
import { runCommand } from "./run.js";

/** `npm run index [-- --rebuild]`: builds index/ (or confirms it is current). */
async function main(): Promise<void> {
  loadDotEnv();
  const config = readEngineConfig();
  const logger = new StderrLogger(config.logLevel, "index");
  const rebuild = process.argv.includes("--rebuild");
  const service = await createAnswerService({ config, logger, onProgress: stderrProgress(0), rebuild });
  const m = service.manifest;
  process.stdout.write(`index/ is current: ${m.sentenceCount} sentences from ${m.files.length} file(s), model ${m.embeddingModel} (${m.dimensions}-d), built ${m.builtAt}.\n`);
}

runCommand(main);
