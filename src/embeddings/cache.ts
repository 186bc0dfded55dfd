import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { CiteBotEmbeddings, type EmbedProgress } from "./types.js";

export function textKey(text: string): string {
  return createHash("sha1").update(text).digest("base64url");
}

/**
 * A file name for a model's cached vectors: its id made safe for a path, and a short hash of its
 * settings when it has any (prefixes can be long and hold any character). Pure.
 */
export function cacheStemOf(embeddings: { readonly modelId: string; readonly identity: string }): string {
  const stem = embeddings.modelId.replace(/[^\w.-]+/g, "_");
  return embeddings.identity === embeddings.modelId ? stem : `${stem}-${textKey(embeddings.identity).slice(0, 10)}`;
}

/** Vectors per checksum: small enough that one bad byte costs little re-embedding, large enough to hash fast. */
export const SUM_BLOCK = 256;

/** A checksum over one block of a record: its keys and their float32 bytes. Pure. */
export function blockSum(keys: readonly string[], bytes: Uint8Array): string {
  return createHash("sha256").update(keys.join("\n")).update("\0").update(bytes).digest("base64url").slice(0, 22);
}

interface RecordHeader {
  readonly modelId: string;
  readonly dimensions: number;
  readonly keys: readonly string[];
  readonly sums?: readonly string[];
}

/**
 * Embeddings memoised by (model identity, sentence text hash), optionally persisted to one file per model,
 * so that re-indexing after an edit embeds only new or changed sentences.
 *
 * File format: a log of records, each a 4-byte JSON header length, the JSON header
 * {modelId, dimensions, keys, sums}, then the float32 vectors. A full build rewrites the file as one
 * record; an incremental update appends a record with just its new vectors, so adding an article to
 * a 100k-sentence index does not rewrite 200 MB. A torn last record (crash mid-append) is ignored.
 *
 * `sums` holds a checksum for each block of SUM_BLOCK vectors (their keys and bytes): a vector that
 * rotted on disk or was overwritten would otherwise be trusted forever and cite the wrong sentence.
 * A block that fails its checksum is dropped, so only its sentences are embedded again.
 */
export class CachingEmbeddings extends CiteBotEmbeddings {
  /** Vectors the last readFrom dropped because their checksum failed (or their record had none). */
  rejected = 0;
  private readonly vectors = new Map<string, Float32Array>();
  /** Keys embedded since the file was last read or written: what appendTo writes. */
  private readonly unsaved = new Set<string>();
  /** Whether a full rewrite is needed (entries were dropped, or nothing was read). */
  private dirty = true;
  hits = 0;
  misses = 0;

  constructor(readonly inner: CiteBotEmbeddings) {
    super(inner.batchSize);
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  override get identity(): string {
    return this.inner.identity;
  }

  override get asymmetric(): boolean {
    return this.inner.asymmetric;
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

  override embedDocuments(texts: string[], onProgress?: EmbedProgress): Promise<number[][]> {
    return this.embedKeyed(
      texts,
      texts.map(textKey),
      (missing, progress) => this.inner.embedDocuments(missing, progress),
      onProgress,
    );
  }

  override embedQueries(texts: string[]): Promise<number[][]> {
    return this.embedKeyed(
      texts,
      texts.map((text) => this.queryKey(text)),
      (missing) => this.inner.embedQueries(missing),
    );
  }

  override async embedQuery(text: string): Promise<number[]> {
    const cached = this.vectors.get(this.queryKey(text));
    return cached ? Array.from(cached) : this.inner.embedQuery(text);
  }

  /** A question's key: its text's, unless the model embeds questions differently from sentences. */
  private queryKey(text: string): string {
    return this.inner.asymmetric ? textKey(`query\0${text}`) : textKey(text);
  }

  private async embedKeyed(
    texts: string[],
    keys: readonly string[],
    embed: (missing: string[], onProgress?: EmbedProgress) => Promise<number[][]>,
    onProgress?: EmbedProgress,
  ): Promise<number[][]> {
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
      const fresh = await embed(missing, onProgress && ((done) => onProgress(cached + done, texts.length)));
      fresh.forEach((vector, i) => {
        this.vectors.set(missingKeys[i]!, Float32Array.from(vector));
        this.unsaved.add(missingKeys[i]!);
      });
      this.dirty = true;
    } else {
      onProgress?.(texts.length, texts.length);
    }
    return keys.map((key) => Array.from(this.vectors.get(key)!));
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

  /** A vector known without the model (e.g. read back from the index being updated). */
  seed(text: string, vector: ArrayLike<number>): void {
    const key = textKey(text);
    if (this.vectors.has(key)) return;
    // Not marked unsaved: what comes from the index is normally in the file already.
    this.vectors.set(key, Float32Array.from(vector));
  }

  /**
   * Loads every intact record of the file; false when there is none for this model. Blocks whose
   * checksum fails are left out and counted in `rejected`, so their sentences are embedded again.
   */
  async readFrom(file: string): Promise<boolean> {
    this.rejected = 0;
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return false;
    }
    let offset = 0;
    let records = 0;
    while (offset + 4 <= bytes.length) {
      try {
        const headerLength = bytes.readUInt32LE(offset);
        const header = JSON.parse(
          bytes.subarray(offset + 4, offset + 4 + headerLength).toString("utf8"),
        ) as RecordHeader;
        if (
          header.modelId !== this.identity ||
          !Array.isArray(header.keys) ||
          !Number.isInteger(header.dimensions) ||
          header.dimensions <= 0
        )
          break;
        const start = offset + 4 + headerLength;
        const end = start + header.keys.length * header.dimensions * 4;
        if (end > bytes.length) break; // torn by a crash mid-append
        // One copy to align the floats, then views: copying each vector out took ~1 s at 100k sentences.
        const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end));
        this.takeVerified(header, floats);
        offset = end;
        records++;
      } catch {
        break; // A damaged cache only costs re-embedding.
      }
    }
    // Several records, dropped blocks, or garbage after them, are compacted by the next full write.
    this.dirty = records !== 1 || offset !== bytes.length || this.rejected > 0;
    this.unsaved.clear();
    return records > 0;
  }

  /** Keeps the blocks of a record whose checksum holds; a record from before checksums counts as unverified. */
  private takeVerified(header: RecordHeader, floats: Float32Array): void {
    const { keys, dimensions } = header;
    const sums = Array.isArray(header.sums) ? header.sums : [];
    for (let block = 0; block * SUM_BLOCK < keys.length; block++) {
      const first = block * SUM_BLOCK;
      const blockKeys = keys.slice(first, first + SUM_BLOCK);
      const view = floats.subarray(first * dimensions, (first + blockKeys.length) * dimensions);
      if (sums[block] !== blockSum(blockKeys, new Uint8Array(view.buffer, view.byteOffset, view.byteLength))) {
        this.rejected += blockKeys.length;
        continue;
      }
      blockKeys.forEach((key, i) => this.vectors.set(key, view.subarray(i * dimensions, (i + 1) * dimensions)));
    }
  }

  /** Appends the vectors added since the last read or write as one record. */
  async appendTo(file: string): Promise<void> {
    if (this.unsaved.size === 0) return;
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, "a");
    try {
      await handle.writev(this.record([...this.unsaved]));
    } finally {
      await handle.close();
    }
    this.unsaved.clear();
  }

  private record(keys: readonly string[]): Uint8Array[] {
    const dimensions = keys.length > 0 ? this.vectors.get(keys[0]!)!.length : 0;
    const floats = new Float32Array(keys.length * dimensions);
    keys.forEach((key, i) => floats.set(this.vectors.get(key)!, i * dimensions));
    const sums: string[] = [];
    for (let first = 0; first < keys.length; first += SUM_BLOCK) {
      const count = Math.min(SUM_BLOCK, keys.length - first);
      sums.push(
        blockSum(
          keys.slice(first, first + count),
          new Uint8Array(floats.buffer, first * dimensions * 4, count * dimensions * 4),
        ),
      );
    }
    // "modelId" holds the identity (the model and how it is run), so a cache made with other settings is not read.
    const header = Buffer.from(
      JSON.stringify({ modelId: this.identity, dimensions, keys, sums } satisfies RecordHeader),
      "utf8",
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    return [length, header, new Uint8Array(floats.buffer)];
  }

  /** Rewrites the file as one record, unless nothing changed since it was read or written. */
  async writeTo(file: string): Promise<void> {
    if (!this.dirty && this.unsaved.size === 0) return;
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    const handle = await open(temp, "w");
    try {
      await handle.writev(this.record([...this.vectors.keys()]));
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    this.dirty = false;
    this.unsaved.clear();
  }
}
