import { prepareIndex } from "../answer/service.js";
import { loadDotEnv, readEngineConfig } from "../config.js";
import { displayPath } from "../corpus/load.js";
import { createEmbeddings } from "../embeddings/factory.js";
import { StderrLogger } from "../logger.js";
import { stderrProgress } from "./progress.js";
import { INDEX_OPTIONS, INDEX_USAGE } from "./args.js";
import { readOptions, runCommand } from "./run.js";

/** `npm run index [-- --rebuild] [-- --strict]`: builds index/ (or confirms it is current). */
async function main(): Promise<number | void> {
  const options = readOptions(process.argv.slice(2), INDEX_OPTIONS, INDEX_USAGE);
  if (typeof options === "number") return options;
  loadDotEnv();
  const config = readEngineConfig();
  const logger = new StderrLogger(config.logLevel, "index");
  const rebuild = options.flags.has("--rebuild");
  // In a worker thread, the model embeds one batch while the main thread tokenizes the next.
  const embeddings = createEmbeddings(config, { worker: true });
  const {
    manifest: m,
    built,
    updated,
    skipped,
  } = await prepareIndex({ config, logger, embeddings, onProgress: stderrProgress(0), rebuild });
  const state = !built ? "is current" : updated ? "updated" : rebuild ? "rebuilt from scratch" : "built";
  process.stdout.write(
    `${displayPath(config.indexDir)}/ ${state}: ${m.sentenceCount} sentences from ${m.files.length} file(s), model ${m.embeddingModel} (${m.dimensions}-d), built ${m.builtAt}.\n`,
  );
  if (skipped.length > 0 && options.flags.has("--strict")) {
    process.stderr.write(
      `${skipped.length} file(s) could not be indexed (--strict): ${skipped.map((s) => s.source).join(", ")}; see the warnings above.\n`,
    );
    return 1;
  }
}

runCommand(main);
