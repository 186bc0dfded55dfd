import type { EngineConfig } from "../config.js";
import { DEFAULT_EMBEDDING_MODEL } from "../config.js";
import { TransformersEmbeddings } from "./transformers.js";
import type { CiteBotEmbeddings } from "./types.js";
import { UseLiteEmbeddings } from "./use-lite.js";
import { WorkerUseLiteEmbeddings } from "./worker-embeddings.js";

/**
 * EMBEDDING_MODEL picks the model: "use-lite" (default, offline) or any Hugging Face model id.
 * `worker` runs USE lite in a worker thread: right for a server (the event loop stays free for
 * network I/O), wrong for a one-shot CLI (a worker adds ~0.3 s of start-up).
 */
export function createEmbeddings(
  config: Pick<EngineConfig, "embeddingModel" | "modelsDir" | "allowModelDownload"> &
    Partial<Pick<EngineConfig, "modelSettings">>,
  options: { worker?: boolean } = {},
): CiteBotEmbeddings {
  if (config.embeddingModel === DEFAULT_EMBEDDING_MODEL)
    return options.worker ? new WorkerUseLiteEmbeddings() : new UseLiteEmbeddings();
  return new TransformersEmbeddings({
    ...config.modelSettings,
    modelId: config.embeddingModel,
    modelsDir: config.modelsDir,
    allowDownload: config.allowModelDownload,
  });
}
