/**
 * For `npm run bench`: loads a saved index the way the bot does (HNSWLib + docstore, BM25 over its
 * sentences) in a fresh process, answers questions end to end with the real model, and reports
 * load time, query latency and memory after a full GC, as one JSON line on stdout.
 */
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { runCommand } from "../cli/run.js";
import { UseLiteEmbeddings } from "../embeddings/use-lite.js";
import { median, percentile } from "../eval/metrics.js";
import { loadXquadR } from "../eval/xquad.js";
import { HnswDenseIndex } from "../index/dense.js";
import { buildHybridRetriever } from "../retrieval/build.js";

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const embeddings = new UseLiteEmbeddings();
  await embeddings.load();
  const questions = (await loadXquadR("eval-data/xquad-r/en.json"))
    .flatMap((a) => a.questions.map((q) => q.question))
    .slice(0, 200);
  const started = performance.now();
  const dense = new HnswDenseIndex(await HNSWLib.load(dir, embeddings));
  const sentences = dense.sentences();
  const retriever = await buildHybridRetriever(sentences, dense, embeddings);
  const loadSeconds = (performance.now() - started) / 1000;
  for (const q of questions.slice(0, 20)) await retriever.retrieve(q, 5);
  const times: number[] = [];
  for (const q of questions) {
    const t = performance.now();
    await retriever.retrieve(q, 5);
    times.push(performance.now() - t);
  }
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ loadSeconds, p50: median(times), p95: percentile(times, 95), rss, heapUsed })}\n`,
  );
}

runCommand(main);
