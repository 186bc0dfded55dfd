import { access } from "node:fs/promises";
import path from "node:path";
import { CiteBotError, ErrorCode } from "../errors.js";
import { loadOnce } from "./load-once.js";
import { CiteBotEmbeddings } from "./types.js";

interface Extractor {
  (texts: string[], options: { pooling: "mean"; normalize: boolean }): Promise<{ tolist(): number[][]; dims: number[] }>;
}

export interface TransformersOptions {
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
    load = loadOnce(async () => {
      const { pipeline, env } = await import("@xenova/transformers");
      // Local folder first, and the same folder as the download cache: a model fetched once is then
      // found locally by every later run, including runs with downloads switched off.
      env.localModelPath = options.modelsDir + path.sep;
      env.cacheDir = options.modelsDir;
      env.allowLocalModels = true;
      env.allowRemoteModels = options.allowDownload;
      const local = path.join(options.modelsDir, options.modelId, "onnx");
      // Prefer the quantized export the Hub ships; a local folder may hold only the full-precision one.
      const quantized = !(await exists(path.join(local, "model.onnx"))) || (await exists(path.join(local, "model_quantized.onnx")));
      return (await pipeline("feature-extraction", options.modelId, { quantized })) as unknown as Extractor;
    }, (error) => {
      const hint = options.allowDownload
        ? "check the model id, or download it once where the Hugging Face Hub is reachable"
        : `put the model files in ${path.join(options.modelsDir, options.modelId)} or set ALLOW_MODEL_DOWNLOAD=true`;
      return new CiteBotError(ErrorCode.ModelLoadFailed, `Could not load embedding model ${options.modelId}: ${(error as Error).message.split("\n")[0]}; ${hint}.`, { cause: error });
    });
    extractors.set(key, load);
  }
  return load();
}

/**
 * Any Hugging Face feature-extraction model through `@xenova/transformers`, mean-pooled and
 * normalised. LangChain's own HuggingFaceTransformersEmbeddings targets `@huggingface/transformers`
 * (v3), not the `@xenova/transformers` runtime this project uses, hence this small adapter.
 */
export class TransformersEmbeddings extends CiteBotEmbeddings {
  readonly modelId: string;
  private extractor: Extractor | undefined;
  private dims = 0;

  constructor(private readonly options: TransformersOptions) {
    super(options.batchSize ?? 32);
    this.modelId = options.modelId;
  }

  get dimensions(): number {
    return this.dims;
  }

  async load(): Promise<void> {
    if (this.extractor) return;
    this.extractor = await loadExtractor(this.options);
    const probe = await this.extractor(["dimension probe"], { pooling: "mean", normalize: true });
    this.dims = probe.dims.at(-1) ?? 0;
  }

  protected async embedBatch(texts: string[]): Promise<number[][]> {
    await this.load();
    const output = await this.extractor!(texts, { pooling: "mean", normalize: true });
    return output.tolist();
  }
}
