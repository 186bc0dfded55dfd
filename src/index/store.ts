import { createReadStream } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { displayPath, type Corpus } from "../corpus/load.js";
import { searchTextOf, SPLITTER_VERSION, type Sentence } from "../corpus/split.js";
import { cacheStemOf, CachingEmbeddings } from "../embeddings/cache.js";
import type { CiteBotEmbeddings, EmbedProgress } from "../embeddings/types.js";
import { CiteBotError, describeError, ErrorCode, isCiteBotError } from "../errors.js";
import type { Logger } from "../logger.js";
import { HnswDenseIndex } from "./dense.js";

export const INDEX_FORMAT_VERSION = 1;
const CURRENT_FILE = "CURRENT";
const MANIFEST_FILE = "manifest.json";
/** Files LangChain's HNSWLib.save writes. */
const ARTIFACTS = ["hnswlib.index", "docstore.json", "args.json"] as const;
/** Sentences embedded per step of a build; HNSW inserts one chunk while the next is embedded. */
const EMBED_CHUNK = 1024;

export interface Manifest {
  readonly formatVersion: number;
  readonly corpusHash: string;
  readonly files: ReadonlyArray<{ readonly source: string; readonly hash: string; readonly sentences: number }>;
  readonly embeddingModel: string;
  readonly dimensions: number;
  readonly splitterVersion: number;
  /** Sentences in the index. */
  readonly sentenceCount: number;
  /** Vectors in the HNSW file, including ones marked deleted by incremental updates. */
  readonly labelCount?: number;
  readonly builtAt: string;
  readonly artifacts: ReadonlyArray<{ readonly name: string; readonly bytes: number; readonly sha256: string }>;
}

export interface LoadedIndex {
  readonly manifest: Manifest;
  readonly dense: HnswDenseIndex;
  /** Indexed by HNSW label; after incremental updates it has holes where sentences were removed. */
  readonly sentences: readonly Sentence[];
  /** True when this call built the index (it was missing, stale or damaged). */
  readonly built: boolean;
  /** True when that build was an incremental update of the saved index rather than a build from scratch. */
  readonly updated?: boolean;
}

export interface OpenIndexOptions {
  readonly indexDir: string;
  readonly corpus: Corpus;
  readonly embeddings: CiteBotEmbeddings;
  readonly logger: Logger;
  readonly onProgress?: EmbedProgress;
  /** Build from scratch: ignore the saved index and the vector cache (every sentence is embedded again). */
  readonly rebuild?: boolean;
}

/** Why a saved index cannot be used, in one line, or undefined when it matches. */
export function staleReason(manifest: Manifest, corpus: Corpus, embeddingModel: string): string | undefined {
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) return "it was written by another version of CiteBot";
  if (manifest.embeddingModel !== embeddingModel) return `it was built with embedding model ${manifest.embeddingModel}, not ${embeddingModel}`;
  if (manifest.splitterVersion !== SPLITTER_VERSION) return "the sentence splitter has changed since it was built";
  if (manifest.corpusHash !== corpus.hash) return `the corpus changed: ${describeCorpusChange(manifest.files, corpus.files)}`;
  return undefined;
}

/** "1 file edited", "2 files added, 1 removed": what changed between the indexed files and the corpus. Pure. */
export function describeCorpusChange(
  indexed: ReadonlyArray<{ readonly source: string; readonly hash: string }>,
  now: ReadonlyArray<{ readonly source: string; readonly hash: string }>,
): string {
  const before = new Map(indexed.map((f) => [f.source, f.hash]));
  const after = new Map(now.map((f) => [f.source, f.hash]));
  const edited = [...after].filter(([source, hash]) => before.has(source) && before.get(source) !== hash).length;
  const added = [...after.keys()].filter((source) => !before.has(source)).length;
  const removed = [...before.keys()].filter((source) => !after.has(source)).length;
  const counts = ([["edited", edited], ["added", added], ["removed", removed]] as const).filter(([, n]) => n > 0);
  const files = (n: number) => (n === 1 ? "1 file" : `${n} files`);
  if (counts.length === 0) return "the same files in another order";
  if (counts.length === 1) return `${files(counts[0]![1])} ${counts[0]![0]}`;
  return `${files(edited + added + removed)}: ${counts.map(([what, n]) => `${n} ${what}`).join(", ")}`;
}

/**
 * Loads the index for this corpus and model, building it when missing, stale or damaged.
 * Never leaves a half-written index in use: builds go to a temporary folder that is renamed into
 * place, and the CURRENT pointer is swapped by rename, which is atomic on one file system.
 */
export async function openIndex(options: OpenIndexOptions): Promise<LoadedIndex> {
  const { indexDir, corpus, embeddings, logger } = options;
  const shown = shownName(indexDir);
  if (!options.rebuild) {
    try {
      const loaded = await loadCurrent(indexDir, embeddings);
      if (loaded) {
        const reason = staleReason(loaded.manifest, corpus, embeddings.identity);
        if (!reason) return { ...loaded, built: false };
        const plan = planUpdate(loaded, corpus, embeddings.identity);
        if (plan) {
          logger.info(`${shown} is out of date (${reason}); updating it.`);
          return { ...(await writeIndex(options, plan)), built: true, updated: true };
        }
        logger.info(`${shown} is out of date (${reason}); rebuilding.`);
      } else {
        logger.info(`${shown} has no index yet; building it.`);
      }
    } catch (error) {
      if (isCiteBotError(error, ErrorCode.IndexUnreadable)) throw error;
      logger.warn(`${shown} is damaged (${describeError(error)}); rebuilding.`);
    }
  }
  return { ...(await writeIndex(options, undefined)), built: true };
}

/** "index/corpus-1a2b3c4d/" inside the working directory; the folder's own name outside it (tests' temporary folders). */
function shownName(indexDir: string): string {
  const shown = displayPath(indexDir);
  return `${path.isAbsolute(shown) ? path.basename(indexDir) : shown}/`;
}

/** Permission errors are the operator's to fix: rebuilding over them would fail the same way. */
function unreadable(indexDir: string, error: unknown): CiteBotError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== "EACCES" && code !== "EPERM") return undefined;
  return new CiteBotError(
    ErrorCode.IndexUnreadable,
    `Cannot read ${indexDir} (${code}: permission denied); give this user read and write access to it, or set INDEX_DIR to a folder it owns.`,
    { cause: error },
  );
}

/** The index CURRENT points to, verified; undefined when there is none. Throws INDEX_CORRUPT when damaged. */
export async function loadCurrent(indexDir: string, embeddings: CiteBotEmbeddings): Promise<Omit<LoadedIndex, "built"> | undefined> {
  let current: string;
  try {
    current = (await readFile(path.join(indexDir, CURRENT_FILE), "utf8")).trim();
  } catch (error) {
    const denied = unreadable(indexDir, error);
    if (denied) throw denied;
    return undefined;
  }
  if (!/^build-[\w-]+$/.test(current)) throw corrupt(`${CURRENT_FILE} holds "${current.slice(0, 40)}", not a build name`);
  const dir = path.join(indexDir, current);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), "utf8")) as Manifest;
  } catch (error) {
    throw unreadable(indexDir, error) ?? corrupt(`${current}/${MANIFEST_FILE} is missing or not valid JSON`, error);
  }
  if (!Array.isArray(manifest.artifacts) || typeof manifest.sentenceCount !== "number") throw corrupt(`${current}/${MANIFEST_FILE} is incomplete`);
  for (const artifact of manifest.artifacts) {
    const file = path.join(dir, artifact.name);
    let actual: { bytes: number; sha256: string };
    try {
      actual = await checksum(file);
    } catch (error) {
      throw unreadable(indexDir, error) ?? corrupt(`${current}/${artifact.name} is missing`, error);
    }
    if (actual.bytes !== artifact.bytes || actual.sha256 !== artifact.sha256) throw corrupt(`${current}/${artifact.name} does not match its checksum`);
  }
  let dense: HnswDenseIndex;
  try {
    dense = new HnswDenseIndex(await HNSWLib.load(dir, embeddings));
  } catch (error) {
    throw corrupt(`${current} could not be read by hnswlib`, error);
  }
  const sentences = dense.sentences();
  const live = sentences.reduce((n) => n + 1, 0); // reduce skips holes
  const labels = manifest.labelCount ?? manifest.sentenceCount;
  if (dense.size !== labels || live !== manifest.sentenceCount) {
    throw corrupt(`${current} holds ${dense.size} vectors and ${live} sentences; the manifest says ${labels} and ${manifest.sentenceCount}`);
  }
  return { manifest, dense, sentences };
}

function corrupt(detail: string, cause?: unknown): CiteBotError {
  return new CiteBotError(ErrorCode.IndexCorrupt, detail, { cause });
}

/** Size and sha256 of a file, streamed: the HNSW file alone is ~230 MB at 100k sentences. */
async function checksum(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** Above this share of deleted vectors an update compacts the index with a full rebuild instead. */
export const MAX_DELETED_SHARE = 0.3;

export interface UpdatePlan {
  /** Files whose sentences leave the index (removed or changed). */
  readonly removed: ReadonlySet<string>;
  /** Files whose sentences join the index (new or changed). */
  readonly added: ReadonlySet<string>;
  readonly base: Omit<LoadedIndex, "built">;
}

/**
 * An incremental update when only the corpus changed (same model, splitter and format) and the
 * index would not become mostly tombstones; undefined means a full rebuild.
 */
export function planUpdate(base: Omit<LoadedIndex, "built">, corpus: Corpus, embeddingModel: string): UpdatePlan | undefined {
  const m = base.manifest;
  if (m.formatVersion !== INDEX_FORMAT_VERSION || m.embeddingModel !== embeddingModel || m.splitterVersion !== SPLITTER_VERSION) return undefined;
  const before = new Map(m.files.map((f) => [f.source, f.hash]));
  const after = new Map(corpus.files.map((f) => [f.source, f.hash]));
  const removed = new Set([...before].filter(([source, hash]) => after.get(source) !== hash).map(([source]) => source));
  const added = new Set([...after].filter(([source, hash]) => before.get(source) !== hash).map(([source]) => source));
  const removedCount = m.files.filter((f) => removed.has(f.source)).reduce((n, f) => n + f.sentences, 0);
  const addedCount = [...added].reduce((n, source) => n + corpus.sentencesOf(source).length, 0);
  const labels = (m.labelCount ?? m.sentenceCount) + addedCount;
  const dead = labels - (m.sentenceCount - removedCount + addedCount);
  return dead > MAX_DELETED_SHARE * labels ? undefined : { removed, added, base };
}

/**
 * Writes a new build: from scratch, or by updating the current one (tombstoning the sentences of
 * removed or changed files and adding those of new or changed files). Either way it goes to a
 * temporary folder, is fsynced, renamed into place, and only then becomes CURRENT.
 */
async function writeIndex(options: OpenIndexOptions, plan: UpdatePlan | undefined): Promise<Omit<LoadedIndex, "built">> {
  const { indexDir, corpus, embeddings, logger } = options;
  await mkdir(indexDir, { recursive: true });
  await removeAbandonedBuilds(indexDir, logger);
  const id = `build-${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
  const temp = path.join(indexDir, `${id}.${process.pid}.tmp`);
  try {
    const started = performance.now();
    // Vectors are cached by model and sentence text, so a rebuild embeds only new or changed sentences.
    const cache = new CachingEmbeddings(embeddings);
    const cacheFile = path.join(indexDir, "cache", `${cacheStemOf(embeddings)}.vectors`);
    // An update splits only the new or changed files; the others' sentences are already in the index.
    const incoming = plan ? corpus.files.flatMap((f) => (plan.added.has(f.source) ? corpus.sentencesOf(f.source) : [])) : corpus.sentences;

    let dense: HnswDenseIndex | undefined;
    let sentences: Sentence[];
    if (plan) {
      // An update takes the vectors of sentences that a changed file keeps from the index itself:
      // reading the whole cache file would cost more than the update (200 MB at 100k sentences).
      const wanted = new Set(incoming.map(searchTextOf));
      dense = plan.base.dense;
      sentences = plan.base.sentences.slice(); // slice keeps the holes of earlier removals
      sentences.forEach((sentence, label) => {
        if (sentence && plan.removed.has(sentence.source)) {
          if (wanted.has(searchTextOf(sentence))) cache.seed(searchTextOf(sentence), plan.base.dense.vectorOf(label));
          plan.base.dense.remove(label);
          delete sentences[label];
        }
      });
    } else {
      // --rebuild means from scratch: a cache that has gone wrong in a way no checksum sees must not survive it.
      if (!options.rebuild) await cache.readFrom(cacheFile);
      if (cache.rejected > 0) logger.warn(`${shownName(indexDir)}cache/${path.basename(cacheFile)}: ${cache.rejected} cached vector(s) failed their checksum; embedding their sentences again.`);
      sentences = [];
    }
    // Embed in chunks and insert each chunk into HNSW while the next one is being embedded: with
    // the model in a worker thread (as `npm run index` and the bot run it), the two overlap.
    const chunks: Sentence[][] = [];
    for (let i = 0; i < incoming.length; i += EMBED_CHUNK) chunks.push(incoming.slice(i, i + EMBED_CHUNK));
    const embedChunk = (k: number) => {
      const before = k * EMBED_CHUNK;
      return cache.embedDocuments(chunks[k]!.map(searchTextOf), options.onProgress && ((done) => options.onProgress!(before + done, incoming.length)));
    };
    let dimensions: number | undefined;
    let next = chunks.length > 0 ? embedChunk(0) : undefined;
    for (let k = 0; k < chunks.length; k++) {
      const vectors = await next!;
      next = k + 1 < chunks.length ? embedChunk(k + 1) : undefined;
      dimensions ??= vectors[0]?.length;
      const first = dense?.size ?? 0;
      if (dense) await dense.add(vectors, chunks[k]!, first);
      else dense = await HnswDenseIndex.fromVectors(vectors, chunks[k]!, embeddings);
      chunks[k]!.forEach((sentence, i) => (sentences[first + i] = sentence));
    }
    dense ??= await HnswDenseIndex.fromVectors([], [], embeddings);
    if (plan) {
      await cache.appendTo(cacheFile);
    } else {
      cache.retain(corpus.sentences.map(searchTextOf));
      await cache.writeTo(cacheFile);
    }
    await dense.store.save(temp);
    const artifacts = [];
    for (const name of ARTIFACTS) {
      artifacts.push({ name, ...(await checksum(path.join(temp, name))) });
    }
    const counts = new Map<string, number>();
    if (plan) for (const f of plan.base.manifest.files) if (!plan.removed.has(f.source)) counts.set(f.source, f.sentences);
    for (const s of incoming) counts.set(s.source, (counts.get(s.source) ?? 0) + 1);
    const sentenceCount = [...counts.values()].reduce((a, b) => a + b, 0);
    const manifest: Manifest = {
      formatVersion: INDEX_FORMAT_VERSION,
      corpusHash: corpus.hash,
      files: corpus.files.map((f) => ({ source: f.source, hash: f.hash, sentences: counts.get(f.source) ?? 0 })),
      embeddingModel: embeddings.identity,
      dimensions: dimensions ?? plan?.base.manifest.dimensions ?? embeddings.dimensions,
      splitterVersion: SPLITTER_VERSION,
      sentenceCount,
      labelCount: dense.size,
      builtAt: new Date().toISOString(),
      artifacts,
    };
    await writeFile(path.join(temp, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    for (const name of [...ARTIFACTS, MANIFEST_FILE]) await fsync(path.join(temp, name));
    await rename(temp, path.join(indexDir, id));
    await writeAtomically(path.join(indexDir, CURRENT_FILE), `${id}\n`);
    await removeOldBuilds(indexDir, id);
    logger.info(
      `${plan ? "Updated" : "Indexed"} ${sentenceCount} sentences from ${corpus.files.length} file(s) with ${embeddings.identity} in ${((performance.now() - started) / 1000).toFixed(1)} s (${cache.misses} embedded, ${cache.hits} from cache).`,
    );
    return { manifest, dense, sentences };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (isCiteBotError(error)) throw error;
    throw new CiteBotError(ErrorCode.IndexWriteFailed, `Could not build the index in ${indexDir}: ${describeError(error)}; check free disk space and permissions.`, { cause: error });
  }
}

async function fsync(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await fsync(temp);
  await rename(temp, file);
}

/** Temp folders of builds whose process is gone (killed mid-build) are removed; live ones are left alone. */
async function removeAbandonedBuilds(indexDir: string, logger: Logger): Promise<void> {
  for (const name of await readdir(indexDir)) {
    const match = /\.(\d+)\.tmp$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && isAlive(pid)) continue;
    logger.info(`Removing interrupted build ${name}.`);
    await rm(path.join(indexDir, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function removeOldBuilds(indexDir: string, keep: string): Promise<void> {
  for (const name of await readdir(indexDir)) {
    if (name.startsWith("build-") && !name.endsWith(".tmp") && name !== keep) {
      const info = await stat(path.join(indexDir, name)).catch(() => undefined);
      if (info?.isDirectory()) await rm(path.join(indexDir, name), { recursive: true, force: true });
    }
  }
}
