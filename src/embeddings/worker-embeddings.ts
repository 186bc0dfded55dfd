import { Worker } from "node:worker_threads";
import { CiteBotError, ErrorCode } from "../errors.js";
import { CiteBotEmbeddings, type EmbedProgress } from "./types.js";
import { loadUseLiteModel, type UseLiteModel } from "./use-lite.js";
import { USE_LITE_DIMENSIONS } from "./use-lite-graph.js";

interface Job {
  texts: string[];
  resolve: (vectors: number[][]) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  job: Job | undefined;
  jobId: number;
}

/**
 * USE lite in worker threads, behind the same LangChain Embeddings interface. Inference is
 * CPU-bound: on the main thread it would delay every Slack ack queued behind it. Questions jump
 * the queue: a question asked while the index rebuilds waits for at most one batch per worker, not
 * for the whole rebuild. One worker by default: onnxruntime already spreads one session over both
 * cores (CPU/wall 1.99), and a second worker measured slower (109 vs 133 sentences/s).
 */
export class WorkerUseLiteEmbeddings extends CiteBotEmbeddings {
  readonly modelId = "use-lite";
  readonly dimensions = USE_LITE_DIMENSIONS;
  private readonly workers: PoolWorker[] = [];
  private readonly questions: Job[] = [];
  private readonly batches: Job[] = [];
  private nextJobId = 0;
  private ready: Promise<void> | undefined;
  private closed = false;
  private model: UseLiteModel | undefined;

  constructor(
    batchSize = 8,
    private readonly poolSize = 1,
  ) {
    super(batchSize);
  }

  load(): Promise<void> {
    if (this.closed)
      return Promise.reject(new CiteBotError(ErrorCode.ModelLoadFailed, "the embedding workers were closed"));
    this.ready ??= (async () => {
      const model = (this.model = await loadUseLiteModel());
      for (let i = 0; i < this.poolSize; i++) this.workers.push(this.spawn(model.model));
      // Fail at start-up, not on the first question, if the runtime cannot load.
      await Promise.all(this.workers.map(() => this.enqueue(this.questions, ["warm up"])));
    })();
    return this.ready;
  }

  private spawn(model: Uint8Array): PoolWorker {
    const entry: PoolWorker = {
      worker: new Worker(new URL("./use-lite.worker.mjs", import.meta.url), { execArgv: [], workerData: { model } }),
      job: undefined,
      jobId: -1,
    };
    const { worker } = entry;
    worker.unref();
    worker.on("message", (message: { id: number; vectors?: Float32Array[]; error?: string }) => {
      const job = entry.job;
      if (!job || message.id !== entry.jobId) return;
      entry.job = undefined;
      // Idle workers must not keep the process alive; busy ones must (the reply is awaited).
      worker.unref();
      if (message.vectors) job.resolve(message.vectors.map((v) => Array.from(v)));
      else job.reject(new CiteBotError(ErrorCode.ModelLoadFailed, message.error ?? "embedding failed"));
      this.dispatch();
    });
    worker.on("error", (error) => this.failAll(error));
    worker.on("exit", (code) => {
      if (code !== 0) this.failAll(new Error(`embedding worker exited with code ${code}`));
      this.workers.splice(this.workers.indexOf(entry), 1);
      if (this.workers.length === 0) this.ready = undefined;
    });
    return entry;
  }

  private enqueue(queue: Job[], texts: string[]): Promise<number[][]> {
    return new Promise((resolve, reject) => {
      queue.push({ texts, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const entry of this.workers) {
      if (entry.job) continue;
      const job = this.questions.shift() ?? this.batches.shift();
      if (!job) return;
      entry.job = job;
      entry.jobId = this.nextJobId++;
      entry.worker.ref();
      // Tokenizing here (about 1 µs a character, ~1 ms a batch) keeps the worker plain JavaScript.
      entry.worker.postMessage({
        id: entry.jobId,
        tokens: job.texts.map((text) => this.model!.tokenizer.encode(text)),
      });
    }
  }

  protected async embedBatch(texts: string[]): Promise<number[][]> {
    await this.load();
    return this.enqueue(this.batches, texts);
  }

  override async embedQuery(text: string): Promise<number[]> {
    await this.load();
    const [vector] = await this.enqueue(this.questions, [text]);
    if (!vector) throw new Error(`${this.modelId} returned no vector`);
    return vector;
  }

  /** Queues every batch at once, so the main thread tokenizes the next while a worker embeds. */
  override async embedDocuments(texts: string[], onProgress?: EmbedProgress): Promise<number[][]> {
    await this.load();
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const vectors = new Array<number[]>(texts.length);
    let done = 0;
    const batches: Promise<void>[] = [];
    for (let i = 0; i < order.length; i += this.batchSize) {
      const batch = order.slice(i, i + this.batchSize);
      batches.push(
        this.embedBatch(batch.map((k) => texts[k]!)).then((embedded) => {
          batch.forEach((k, j) => (vectors[k] = embedded[j]!));
          done += batch.length;
          onProgress?.(done, texts.length);
        }),
      );
    }
    await Promise.all(batches);
    return vectors;
  }

  private failAll(error: Error): void {
    for (const entry of this.workers) {
      entry.job?.reject(error);
      entry.job = undefined;
    }
    for (const job of [...this.questions.splice(0), ...this.batches.splice(0)]) job.reject(error);
  }

  /**
   * Stops using the workers without terminating them: terminating a worker thread that has loaded
   * onnxruntime-node corrupts the heap (microsoft/onnxruntime#13086; here, creating and terminating
   * a worker eight times crashed 3 runs out of 3, keeping them alive 0 out of 3). Idle workers are
   * unreferenced, so they never keep the process alive; they end with it.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new CiteBotError(ErrorCode.ModelLoadFailed, "the embedding workers were closed"));
    for (const entry of this.workers) entry.worker.unref();
  }
}
