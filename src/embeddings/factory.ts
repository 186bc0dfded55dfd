import type { EngineConfig } from "../config.js";
import { DEFAULT_EMBEDDING_MODEL } from "../config.js";
import { TransformersEmbeddings } from "./transformers.js";
import type { CiteBotEmbeddings } from "./types.js";
import { UseLiteEmbeddings } from "./use-lite.js";

/** EMBEDDING_MODEL picks the model: "use-lite" (default, offline) or any Hugging Face model id. */
export function createEmbeddings(config: Pick<EngineConfig, "embeddingModel" | "modelsDir" | "allowModelDownload">): CiteBotEmbeddings {
  if (config.embeddingModel === DEFAULT_EMBEDDING_MODEL) return new UseLiteEmbeddings();
  return new TransformersEmbeddings({
    modelId: config.embeddingModel,
    modelsDir: config.modelsDir,
    allowDownload: config.allowModelDownload,
  });
}
