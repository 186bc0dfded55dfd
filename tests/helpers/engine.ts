import path from "node:path";
import { createAnswerService, type AnswerService } from "../../src/answer/service.js";
import type { Logger } from "../../src/logger.js";
import { FakeLogger } from "./fake-logger.js";
import { OverlapEmbeddings } from "./overlap-embeddings.js";

/**
 * The engine settings the tests run with: the corpus in `corpusDir`, everything else under `root`,
 * no model download, answers of up to three sentences. `embeddingModel` only names the cache: the
 * tests pass their own embedder.
 */
export function testEngineConfig(root: string, corpusDir: string = path.join(root, "corpus")) {
  return {
    corpusDir,
    indexDir: path.join(root, "index"),
    embeddingModel: "test-overlap",
    modelsDir: path.join(root, "models"),
    allowModelDownload: false,
    maxAnswerSentences: 3,
  };
}

/** An answer service over `corpusDir` with the word-overlap test embedder (OverlapEmbeddings). */
export function testAnswerService(
  root: string,
  corpusDir?: string,
  logger: Logger = new FakeLogger(),
): Promise<AnswerService> {
  return createAnswerService({
    config: testEngineConfig(root, corpusDir),
    logger,
    embeddings: new OverlapEmbeddings(),
  });
}
