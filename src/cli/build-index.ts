import { prepareIndex } from "../answer/service.js";
import { loadDotEnv, readEngineConfig } from "../config.js";
import { createEmbeddings } from "../embeddings/factory.js";
import { StderrLogger } from "../logger.js";
import { stderrProgress } from "./progress.js";
import { runCommand } from "./run.js";

/** `npm run index [-- --rebuild]`: builds index/ (or confirms it is current). */
async function main(): Promise<void> {
  loadDotEnv();
  const config = readEngineConfig();
  const logger = new StderrLogger(config.logLevel, "index");
  const rebuild = process.argv.includes("--rebuild");
  // In a worker thread, the model embeds one batch while the main thread tokenizes the next.
  const embeddings = createEmbeddings(config, { worker: true });
  const { manifest: m } = await prepareIndex({ config, logger, embeddings, onProgress: stderrProgress(0), rebuild });
  process.stdout.write(`index/ is current: ${m.sentenceCount} sentences from ${m.files.length} file(s), model ${m.embeddingModel} (${m.dimensions}-d), built ${m.builtAt}.\n`);
}

runCommand(main);
