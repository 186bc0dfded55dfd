import { access } from "node:fs/promises";
import path from "node:path";
import { CiteBotError, ErrorCode } from "../errors.js";
import { loadOnce } from "./load-once.js";
import { CiteBotEmbeddings, type EmbedProgress } from "./types.js";

export type Pooling = "mean" | "cls";

interface Extractor {
  (
    texts: string[],
    options: { pooling: Pooling; normalize: boolean },
  ): Promise<{ tolist(): number[][]; dims: number[] }>;
}

/** How a model is run, beyond its id: sentence-transformers models need none of it; E5 and BGE do. */
export interface ModelSettings {
  /** Mean of the token vectors (default) or the first token's ([CLS]). */
  readonly pooling?: Pooling;
  /** Put before each question ("query:" for E5), joined with one space. */
  readonly queryPrefix?: string;
  /** Put before each sentence ("passage:" for E5), joined with one space. */
  readonly documentPrefix?: string;
}

/** The model id, and the settings when they are not the defaults: what an index or fit made with it is keyed by. Pure. */
export function embeddingIdentity(modelId: string, settings: ModelSettings): string {
  const parts = [
    ...(settings.pooling && settings.pooling !== "mean" ? [`${settings.pooling} pooling`] : []),
    ...(settings.queryPrefix ? [`query prefix ${JSON.stringify(settings.queryPrefix)}`] : []),
    ...(settings.documentPrefix ? [`document prefix ${JSON.stringify(settings.documentPrefix)}`] : []),
  ];
  return parts.length === 0 ? modelId : `${modelId} (${parts.join(", ")})`;
}

function withPrefix(prefix: string | undefined, text: string): string {
  return prefix ? `${prefix} ${text}` : text;
}

export interface TransformersOptions extends ModelSettings {
  /** Hugging Face model id, e.g. "Xenova/all-MiniLM-L6-v2"; looked up first as MODELS_DIR/<id>. */
  readonly modelId: string;
  readonly modelsDir: string;
  /** When false nothing is fetched from the Hub: the model must already be in modelsDir. */
  readonly allowDownload: boolean;
  readonly batchSize?: number;
}

const extractors = new Map<string, () => Promise<Extractor>>();

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function loadExtractor(options: TransformersOptions): Promise<Extractor> {
  const key = `${options.modelsDir}\0${options.modelId}\0${options.allowDownload}`;
  let load = extractors.get(key);
  if (!load) {
    load = loadOnce(
      async () => {
        const { pipeline, env } = await import("@xenova/transformers");
        // Local folder first, and the same folder as the download cache: a model fetched once is then
        // found locally by every later run, including runs with downloads switched off.
        env.localModelPath = options.modelsDir + path.sep;
        env.cacheDir = options.modelsDir;
        env.allowLocalModels = true;
        env.allowRemoteModels = options.allowDownload;
        const local = path.join(options.modelsDir, options.modelId, "onnx");
        // Prefer the quantized export the Hub ships; a local folder may hold only the full-precision one.
        const quantized =
          !(await exists(path.join(local, "model.onnx"))) || (await exists(path.join(local, "model_quantized.onnx")));
        return (await pipeline("feature-extraction", options.modelId, { quantized })) as unknown as Extractor;
      },
      (error) => {
        const hint = options.allowDownload
          ? "check the model id, or download it once where the Hugging Face Hub is reachable"
          : `put the model files in ${path.join(options.modelsDir, options.modelId)} or set ALLOW_MODEL_DOWNLOAD=true`;
        return new CiteBotError(
          ErrorCode.ModelLoadFailed,
          `Could not load embedding model ${options.modelId}: ${(error as Error).message.split("\n")[0]}; ${hint}.`,
          { cause: error },
        );
      },
    );
    extractors.set(key, load);
  }
  return load();
}

/**
 * Any Hugging Face feature-extraction model through `@xenova/transformers`, pooled (mean by
 * default) and normalised, with the question and sentence prefixes some models were trained with.
 * LangChain's own HuggingFaceTransformersEmbeddings targets `@huggingface/transformers` (v3), not
 * the `@xenova/transformers` runtime this project uses, hence this small adapter.
 */
export class TransformersEmbeddings extends CiteBotEmbeddings {
  readonly modelId: string;
  private extractor: Extractor | undefined;
  private dims = 0;
  private readonly pooling: Pooling;

  constructor(private readonly options: TransformersOptions) {
    super(options.batchSize ?? 32);
    this.modelId = options.modelId;
    this.pooling = options.pooling ?? "mean";
  }

  override get identity(): string {
    return embeddingIdentity(this.modelId, this.options);
  }

  override get asymmetric(): boolean {
    return (this.options.queryPrefix ?? "") !== (this.options.documentPrefix ?? "");
  }

  get dimensions(): number {
    return this.dims;
  }

  async load(): Promise<void> {
    if (this.extractor) return;
    this.extractor = await loadExtractor(this.options);
    const probe = await this.extractor(["dimension probe"], { pooling: this.pooling, normalize: true });
    this.dims = probe.dims.at(-1) ?? 0;
  }

  override embedDocuments(texts: string[], onProgress?: EmbedProgress): Promise<number[][]> {
    return super.embedDocuments(
      texts.map((text) => withPrefix(this.options.documentPrefix, text)),
      onProgress,
    );
  }

  override embedQueries(texts: string[]): Promise<number[][]> {
    return super.embedDocuments(texts.map((text) => withPrefix(this.options.queryPrefix, text)));
  }

  override embedQuery(text: string): Promise<number[]> {
    return super.embedQuery(withPrefix(this.options.queryPrefix, text));
  }

  protected async embedBatch(texts: string[]): Promise<number[][]> {
    await this.load();
    const output = await this.extractor!(texts, { pooling: this.pooling, normalize: true });
    return output.tolist();
  }
}
