import { createHash } from "node:crypto";
import { CiteBotEmbeddings, normalize } from "../../src/embeddings/types.js";
import { tokenize } from "../../src/retrieval/terms/tokenize.js";

/**
 * A deterministic test embedder that behaves like a (weak) real one: each content word is hashed
 * to a dimension, so cosine similarity grows with the words two texts share. Unlike LangChain's
 * FakeEmbeddings (a constant vector), rankings made with it are meaningful and checkable.
 */
export class OverlapEmbeddings extends CiteBotEmbeddings {
  readonly modelId: string;
  readonly dimensions: number;
  calls = 0;
  /** Texts embedded so far (cache hits do not count). */
  embedded = 0;

  constructor(dimensions = 256, modelId = "test-overlap") {
    super(8);
    this.dimensions = dimensions;
    this.modelId = modelId;
  }

  async load(): Promise<void> {}

  protected async embedBatch(texts: string[]): Promise<number[][]> {
    this.calls++;
    this.embedded += texts.length;
    return texts.map((text) => {
      const vector = new Array<number>(this.dimensions).fill(0);
      for (const token of tokenize(text)) {
        const bucket = createHash("md5").update(token).digest().readUInt32LE(0) % this.dimensions;
        vector[bucket]! += 1;
      }
      // A tiny constant keeps texts with no content words from being the zero vector.
      vector[0]! += 0.01;
      return normalize(vector);
    });
  }
}
