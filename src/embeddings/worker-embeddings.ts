import { Worker } from "node:worker_threads";
import { CiteBotError, ErrorCode } from "../errors.js";
import { CiteBotEmbeddings } from "./types.js";

interface Pending {
  resolve: (vectors: number[][]) => void;
  reject: (error: Error) => void;
}

/**
 * USE lite run in a worker thread, behind the same LangChain Embeddings interface. Model inference
 * is CPU-bound and would otherwise block the event loop for ~20 ms per question, delaying every
 * Slack ack queued behind it; in a worker, the main thread only posts text and receives vectors.
 */
export class WorkerUseLiteEmbeddings extends CiteBotEmbeddings {
  readonly modelId = "use-lite";
  readonly dimensions = 512;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private ready: Promise<void> | undefined;

  constructor(batchSize = 8) {
    super(batchSize);
  }

  load(): Promise<void> {
    this.ready ??= (async () => {
      const worker = new Worker(new URL("./use-lite.worker.mjs", import.meta.url), { execArgv: [] });
      worker.on("message", (message: { id: number; vectors?: number[][]; error?: string }) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        // Idle workers must not keep the process alive; busy ones must (the reply is awaited).
        if (this.pending.size === 0) worker.unref();
        if (message.vectors) pending.resolve(message.vectors);
        else pending.reject(new CiteBotError(ErrorCode.ModelLoadFailed, message.error ?? "embedding failed"));
      });
      worker.on("error", (error) => this.failAll(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.failAll(new Error(`embedding worker exited with code ${code}`));
        this.worker = undefined;
        this.ready = undefined;
      });
      this.worker = worker;
      await this.embedBatch(["warm up"]);
    })();
    return this.ready;
  }

  protected embedBatch(texts: string[]): Promise<number[][]> {
    const worker = this.worker;
    if (!worker) return this.load().then(() => this.embedBatch(texts));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, texts });
    });
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
