/**
 * For `npm run bench`: `npm run index` in a fresh process, over a given corpus folder into a given
 * index folder: a full build with `--rebuild` (load corpus, split, embed in the worker, HNSW build,
 * atomic save), else an update of what changed. Prints one JSON line: seconds, sentences, peak RSS.
 */
import { prepareIndex } from "../answer/service.js";
import { runCommand } from "../cli/run.js";
import { readEngineConfig } from "../config.js";
import { createEmbeddings } from "../embeddings/factory.js";
import { LogLevel, StderrLogger } from "../logger.js";

async function main(): Promise<void> {
  const [corpusDir, indexDir, mode] = process.argv.slice(2);
  if (!corpusDir || !indexDir) throw new Error("usage: build-child <corpusDir> <indexDir> [--rebuild]");
  const rebuild = mode === "--rebuild";
  const config = { ...readEngineConfig({}), corpusDir, indexDir };
  const started = performance.now();
  const index = await prepareIndex({
    config,
    logger: new StderrLogger(LogLevel.WARN, "bench"),
    embeddings: createEmbeddings(config, { worker: true }),
    rebuild,
  });
  const seconds = (performance.now() - started) / 1000;
  // maxRSS is in KiB and covers the worker threads (they share the process).
  process.stdout.write(
    `${JSON.stringify({ seconds, sentences: index.manifest.sentenceCount, built: index.built, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

runCommand(main);
