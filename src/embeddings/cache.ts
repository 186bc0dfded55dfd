import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { CiteBotEmbeddings, type EmbedProgress } from "./types.js";

export function textKey(text: string): string {
  return createHash("sha1").update(text).digest("base64url");
}

/**
 * Embeddings memoised by (model id, sentence text hash), optionally persisted to one file per model,
 * so that re-indexing after an edit embeds only new or changed sentences.
 * File format: 4-byte JSON header length, JSON header {modelId, dimensions, keys}, then float32 vectors.
 */
export class CachingEmbeddings extends CiteBotEmbeddings {
  private readonly vectors = new Map<string, Float32Array>();
  /** Whether the vectors differ from the file they were read from. */
  private dirty = true;
  hits = 0;
  misses = 0;

  constructor(readonly inner: CiteBotEmbeddings) {
    super(inner.batchSize);
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  get dimensions(): number {
    return this.inner.dimensions;
  }

  load(): Promise<void> {
    return this.inner.load();
  }

  protected embedBatch(): Promise<number[][]> {
    throw new Error("CachingEmbeddings embeds through embedDocuments");
  }

  override async embedDocuments(texts: string[], onProgress?: EmbedProgress): Promise<number[][]> {
    const keys = texts.map(textKey);
    const missing: string[] = [];
    const missingKeys: string[] = [];
    const seen = new Set<string>();
    keys.forEach((key, i) => {
      if (!this.vectors.has(key) && !seen.has(key)) {
        seen.add(key);
        missing.push(texts[i]!);
        missingKeys.push(key);
      }
    });
    this.hits += texts.length - missing.length;
    this.misses += missing.length;
    if (missing.length > 0) {
      const cached = texts.length - missing.length;
      const fresh = await this.inner.embedDocuments(missing, onProgress && ((done) => onProgress(cached + done, texts.length)));
      fresh.forEach((vector, i) => this.vectors.set(missingKeys[i]!, Float32Array.from(vector)));
      this.dirty = true;
    } else {
      onProgress?.(texts.length, texts.length);
    }
    return keys.map((key) => Array.from(this.vectors.get(key)!));
  }

  override async embedQuery(text: string): Promise<number[]> {
    const cached = this.vectors.get(textKey(text));
    return cached ? Array.from(cached) : this.inner.embedQuery(text);
  }

  /** Keeps only vectors for these texts (drops sentences that left the corpus). */
  retain(texts: readonly string[]): void {
    const keep = new Set(texts.map(textKey));
    for (const key of this.vectors.keys()) {
      if (!keep.has(key)) {
        this.vectors.delete(key);
        this.dirty = true;
      }
    }
  }

  async readFrom(file: string): Promise<boolean> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return false;
    }
    try {
      const headerLength = bytes.readUInt32LE(0);
      const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8")) as { modelId: string; dimensions: number; keys: string[] };
      if (header.modelId !== this.modelId) return false;
      const offset = 4 + headerLength;
      // One copy to align the floats, then views: copying each vector out took ~1 s at 100k sentences.
      const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + bytes.length));
      if (floats.length !== header.keys.length * header.dimensions) return false;
      header.keys.forEach((key, i) => this.vectors.set(key, floats.subarray(i * header.dimensions, (i + 1) * header.dimensions)));
      this.dirty = false;
      return true;
    } catch {
      return false; // A damaged cache only costs re-embedding.
    }
  }

  /** Writes the cache unless it is unchanged since it was read (or last written). */
  async writeTo(file: string): Promise<void> {
    if (!this.dirty) return;
    const keys = [...this.vectors.keys()];
    const dimensions = keys.length > 0 ? this.vectors.get(keys[0]!)!.length : 0;
    const header = Buffer.from(JSON.stringify({ modelId: this.modelId, dimensions, keys }), "utf8");
    const floats = new Float32Array(keys.length * dimensions);
    keys.forEach((key, i) => floats.set(this.vectors.get(key)!, i * dimensions));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    const handle = await open(temp, "w");
    try {
      await handle.writev([length, header, new Uint8Array(floats.buffer)]);
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    this.dirty = false;
  }
}
