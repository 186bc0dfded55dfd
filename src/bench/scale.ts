/**
 * Search at scale for `npm run bench`: index build, memory, HNSW recall and latency vs exact search,
 * BM25, retrieval latency and incremental updates at 1k, 10k and 100k sentences.
 *
 * How the large corpora are made: every synthetic sentence joins two real sentences drawn at random
 * (seeded) from XQuAD-R and the trade article, and its vector is the normalised mix 0.6 a + 0.4 b
 * of their USE lite vectors plus a little noise. So the vectors have the structure of real sentence
 * embeddings without embedding 100k texts for every run (full builds with the real model are timed
 * separately, by measureBuilds). Questions are the XQuAD-R questions with their real vectors.
 */
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Sentence } from "../corpus/split.js";
import { splitSentences } from "../corpus/split.js";
import { CachingEmbeddings } from "../embeddings/cache.js";
import { normalize } from "../embeddings/types.js";
import { UseLiteEmbeddings } from "../embeddings/use-lite.js";
import { UseLiteTfjsEmbeddings } from "../embeddings/use-lite-tfjs.js";
import { HnswDenseIndex } from "../index/dense.js";
import { median, percentile } from "../eval/metrics.js";
import { loadXquadR } from "../eval/xquad.js";
import { Bm25Index } from "../retrieval/bm25.js";
import { SubwordMatcher } from "../retrieval/features/subwords.js";
import { loadUseLitePieces } from "../embeddings/use-lite-pieces.js";
import { HybridRetriever } from "../retrieval/hybrid.js";
import { launchArgs } from "./launch-args.js";

export interface ScaleRow {
  readonly size: number;
  readonly buildSeconds: number;
  readonly bm25Seconds: number;
  /** Building the word-piece matcher (src/retrieval/features/subwords.ts) over the same sentences. */
  readonly piecesSeconds: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly recallAt10: number;
  readonly hnswMs: { p50: number; p95: number };
  readonly exactMs: { p50: number; p95: number };
  readonly retrievalMs: { p50: number; p95: number };
  readonly saveSeconds: number;
  readonly loadSeconds: number;
  readonly incrementalSeconds?: number;
  /** The largest size loaded in a fresh process the way the bot loads it, answering with the real model. */
  readonly served?: { loadSeconds: number; p50: number; p95: number; rssMiB: number };
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const mib = (bytes: number) => bytes / 2 ** 20;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

export async function measureScale(
  sizes: readonly number[],
  cacheFile: string,
  log: (line: string) => void,
): Promise<ScaleRow[]> {
  const articles = await loadXquadR("eval-data/xquad-r/en.json");
  const trade = splitSentences(
    await readFile("corpus/us-china-trade-talks-london.txt", "utf8"),
    "corpus/us-china-trade-talks-london.txt",
  );
  const base = [...articles.flatMap((a) => a.sentences.map((s) => s.text)), ...trade.map((s) => s.text)];
  const questions = articles.flatMap((a) => a.questions.map((q) => q.question)).slice(0, 200);
  const embeddings = new CachingEmbeddings(new UseLiteEmbeddings());
  await embeddings.readFrom(cacheFile);
  const baseVectors = (await embeddings.embedDocuments(base)).map((v) => Float32Array.from(v));
  const questionVectors = await embeddings.embedQueries(questions);
  await embeddings.writeTo(cacheFile);

  const rows: ScaleRow[] = [];
  for (const size of sizes) {
    gc();
    const random = seeded(size);
    const sentences: Sentence[] = [];
    const vectors: number[][] = [];
    for (let i = 0; i < size; i++) {
      const a = Math.floor(random() * base.length);
      const b = Math.floor(random() * base.length);
      const text = `${base[a]} ${base[b]}`;
      sentences.push({
        text,
        source: `synthetic/doc-${Math.floor(i / 30)}.txt`,
        lineStart: (i % 30) + 1,
        lineEnd: (i % 30) + 1,
        charStart: 0,
        charEnd: text.length,
      });
      const va = baseVectors[a]!;
      const vb = baseVectors[b]!;
      vectors.push(normalize(Array.from(va, (x, j) => 0.6 * x + 0.4 * vb[j]! + (random() - 0.5) * 0.02)));
    }
    const before = process.memoryUsage();
    let started = performance.now();
    const dense = await HnswDenseIndex.fromVectors(vectors, sentences, embeddings);
    const buildSeconds = seconds(started);
    started = performance.now();
    const lexical = new Bm25Index(sentences.map((s) => s.text));
    const bm25Seconds = seconds(started);
    const pieceVocabulary = await loadUseLitePieces();
    started = performance.now();
    const subwords = new SubwordMatcher(
      sentences.map((s) => s.text),
      pieceVocabulary,
    );
    const piecesSeconds = seconds(started);
    gc();
    const after = process.memoryUsage();

    // Exact top-10 by brute force over a flat Float32Array, vs HNSW.
    const flat = new Float32Array(size * 512);
    vectors.forEach((v, i) => flat.set(v, i * 512));
    const exactTimes: number[] = [];
    const hnswTimes: number[] = [];
    let hits = 0;
    for (const q of questionVectors) {
      let t = performance.now();
      const scores = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        let dot = 0;
        const offset = i * 512;
        for (let j = 0; j < 512; j++) dot += flat[offset + j]! * q[j]!;
        scores[i] = dot;
      }
      const exact = new Set(
        Array.from(scores.keys())
          .sort((x, y) => scores[y]! - scores[x]!)
          .slice(0, 10),
      );
      exactTimes.push(performance.now() - t);
      t = performance.now();
      const approx = await dense.search(q, 10);
      hnswTimes.push(performance.now() - t);
      hits += approx.filter((h) => exact.has(h.id)).length;
    }

    // Retrieval (everything but embedding the question) through the shipped hybrid retriever.
    const byQuestion = new Map(questions.map((q, i) => [q, questionVectors[i]!]));
    const retriever = new HybridRetriever(
      sentences,
      dense,
      lexical,
      { embedQuery: async (q) => byQuestion.get(q)! },
      { subwords },
    );
    const retrievalTimes: number[] = [];
    for (const q of questions) {
      const t = performance.now();
      await retriever.retrieve(q, 5);
      retrievalTimes.push(performance.now() - t);
    }

    // Persistence, and (largest size) adding one 30-sentence article incrementally.
    const dir = path.join(tmpdir(), `citebot-scale-${process.pid}-${size}`);
    started = performance.now();
    await dense.store.save(dir);
    const saveSeconds = seconds(started);
    started = performance.now();
    const { HNSWLib } = await import("@langchain/community/vectorstores/hnswlib");
    const loaded = new HnswDenseIndex(await HNSWLib.load(dir, embeddings));
    const loadedTexts = loaded.sentences().map((s) => s.text);
    new Bm25Index(loadedTexts);
    new SubwordMatcher(loadedTexts, pieceVocabulary);
    const loadSeconds = seconds(started);
    let incrementalSeconds: number | undefined;
    if (size === Math.max(...sizes)) {
      const article = trade.map((s) => ({ ...s, source: "new/article.txt" }));
      const articleVectors = await embeddings.embedDocuments(article.map((s) => s.text));
      started = performance.now();
      await loaded.add(articleVectors, article, loaded.size);
      await loaded.store.save(`${dir}-updated`);
      incrementalSeconds = seconds(started);
    }
    let served: ScaleRow["served"];
    if (size === Math.max(...sizes)) {
      const out = execFileSync(process.execPath, ["--expose-gc", ...launchArgs("bench/scale-child", dir)], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      });
      const r = JSON.parse(out.trim().split("\n").at(-1)!) as {
        loadSeconds: number;
        p50: number;
        p95: number;
        rss: number;
      };
      served = { loadSeconds: r.loadSeconds, p50: r.p50, p95: r.p95, rssMiB: mib(r.rss) };
    }
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}-updated`, { recursive: true, force: true });

    const row: ScaleRow = {
      size,
      buildSeconds,
      bm25Seconds,
      piecesSeconds,
      rssMiB: mib(after.rss),
      heapMiB: mib(after.heapUsed - before.heapUsed),
      recallAt10: hits / (questionVectors.length * 10),
      hnswMs: { p50: median(hnswTimes), p95: percentile(hnswTimes, 95) },
      exactMs: { p50: median(exactTimes), p95: percentile(exactTimes, 95) },
      retrievalMs: { p50: median(retrievalTimes), p95: percentile(retrievalTimes, 95) },
      saveSeconds,
      loadSeconds,
      ...(incrementalSeconds !== undefined ? { incrementalSeconds } : {}),
      ...(served ? { served } : {}),
    };
    log(
      `Scale ${size}: build ${buildSeconds.toFixed(1)} s, recall@10 ${row.recallAt10.toFixed(3)}, retrieval p95 ${row.retrievalMs.p95.toFixed(1)} ms`,
    );
    rows.push(row);
  }
  return rows;
}

/**
 * Embedding throughput (sentences/s) of the default model by batch size, over real sentences, for
 * the shipped runtime (the ONNX graph in onnxruntime-node) and the package's own tfjs graph.
 */
export async function measureThroughput(
  batchSizes: readonly number[],
  log: (line: string) => void,
): Promise<Array<{ runtime: string; batchSize: number; perSecond: number }>> {
  const texts = (await loadXquadR("eval-data/xquad-r/en.json"))
    .flatMap((a) => a.sentences.map((s) => s.text))
    .slice(0, 192);
  const runtimes = [
    { runtime: "onnxruntime-node (shipped)", make: (batchSize: number) => new UseLiteEmbeddings(batchSize) },
    {
      runtime: "tfjs WASM (the package's own graph)",
      make: (batchSize: number) => new UseLiteTfjsEmbeddings(batchSize),
    },
  ];
  const out = [];
  for (const { runtime, make } of runtimes) {
    for (const batchSize of batchSizes) {
      const model = make(batchSize);
      await model.embedDocuments(texts.slice(0, batchSize));
      const started = performance.now();
      await model.embedDocuments(texts);
      out.push({ runtime, batchSize, perSecond: texts.length / seconds(started) });
      log(`Throughput ${runtime}: batch ${batchSize}: ${out.at(-1)!.perSecond.toFixed(0)} sentences/s`);
    }
  }
  return out;
}

/**
 * Writes a corpus of about `size` sentences of real-looking text for a timed full build: 30-line
 * documents, each line the first half of one real sentence (XQuAD-R and the article) followed by
 * the second half of another, cut at word boundaries. Lines keep the real sentence-length
 * distribution and vocabulary, so embedding them costs what embedding real sentences costs.
 */
export async function writeSyntheticCorpus(dir: string, size: number): Promise<void> {
  const articles = await loadXquadR("eval-data/xquad-r/en.json");
  const trade = splitSentences(
    await readFile("corpus/us-china-trade-talks-london.txt", "utf8"),
    "corpus/us-china-trade-talks-london.txt",
  );
  const base = [...articles.flatMap((a) => a.sentences.map((s) => s.text)), ...trade.map((s) => s.text)]
    .map((t) => t.split(" "))
    .filter((words) => words.length >= 4);
  const random = seeded(size + 7);
  await mkdir(dir, { recursive: true });
  for (let doc = 0; doc * 30 < size; doc++) {
    const lines: string[] = [];
    for (let line = 0; line < Math.min(30, size - doc * 30); line++) {
      const a = base[Math.floor(random() * base.length)]!;
      const b = base[Math.floor(random() * base.length)]!;
      // No sentence-ending punctuation inside the line, so the splitter keeps it as one sentence.
      const head = a
        .slice(0, Math.ceil(a.length / 2))
        .join(" ")
        .replace(/[.!?]+["'”’)]*$/, "");
      const line = `${head} ${b.slice(Math.floor(b.length / 2)).join(" ")}`;
      // End every line with punctuation, or the splitter would join it to the next as a wrapped sentence.
      lines.push(/[.!?]["'”’)]*$/.test(line) ? line : `${line}.`);
    }
    await writeFile(path.join(dir, `doc-${String(doc).padStart(5, "0")}.txt`), `${lines.join("\n")}\n`);
  }
}

export interface BuildRow {
  readonly requested: number;
  readonly sentences: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  /** `npm run index` after adding the trade article to this corpus (largest size only). */
  readonly addArticle?: { seconds: number; sentences: number; peakRssMiB: number };
}

function runBuildChild(
  corpusDir: string,
  indexDir: string,
  rebuild: boolean,
): { seconds: number; sentences: number; peakRssMiB: number } {
  const out = execFileSync(
    process.execPath,
    launchArgs("bench/build-child", corpusDir, indexDir, ...(rebuild ? ["--rebuild"] : [])),
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!) as { seconds: number; sentences: number; peakRssMiB: number };
}

/**
 * Timed full builds with the real model, each in a fresh process the way `npm run index -- --rebuild`
 * runs (no vector cache), over corpora from writeSyntheticCorpus. At the largest size, the trade
 * article is then added to the corpus and `npm run index` timed again: the incremental update end to
 * end (corpus load and split, 26 sentences embedded, HNSW load, insert, save, swap).
 */
export async function measureBuilds(sizes: readonly number[], log: (line: string) => void): Promise<BuildRow[]> {
  const rows: BuildRow[] = [];
  for (const size of sizes) {
    const root = path.join(tmpdir(), `citebot-build-${process.pid}-${size}`);
    const corpusDir = path.join(root, "corpus");
    const indexDir = path.join(root, "index");
    await writeSyntheticCorpus(corpusDir, size);
    const built = runBuildChild(corpusDir, indexDir, true);
    let addArticle: BuildRow["addArticle"];
    if (size === Math.max(...sizes)) {
      await copyFile("corpus/us-china-trade-talks-london.txt", path.join(corpusDir, "zz-new-article.txt"));
      addArticle = runBuildChild(corpusDir, indexDir, false);
    }
    await rm(root, { recursive: true, force: true });
    rows.push({ requested: size, ...built, ...(addArticle ? { addArticle } : {}) });
    log(
      `Full build ${built.sentences}: ${built.seconds.toFixed(1)} s, peak RSS ${built.peakRssMiB.toFixed(0)} MiB${addArticle ? `; add one article: ${addArticle.seconds.toFixed(2)} s` : ""}`,
    );
  }
  return rows;
}
