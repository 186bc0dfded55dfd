/**
 * `npm run bench`: answer latency over the corpus, printed and written to bench/results.md.
 * - warm: in-process `answer(question)` over many questions after one warm-up pass;
 * - cold start: a fresh `ask` process from start to printed answer (index already built);
 * - the Slack path (bot in its own process, local fake Slack), one at a time and 20 at once;
 * - search at 1k, 10k and 100k sentences (src/bench/scale.ts), with a chart;
 * - embedding throughput by runtime and batch size;
 * - timed full builds with the real model, and adding one article end to end.
 * `-- --sizes 1000,10000` picks other corpus sizes; `-- --build-sizes 1000,10000,100000` other full builds.
 * Medians and p95 over repeated runs; no pass/fail.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import os, { cpus } from "node:os";
import path from "node:path";
import { createAnswerService } from "../answer/service.js";
import { BENCH_OPTIONS, BENCH_USAGE } from "../cli/args.js";
import { publishReport, readOptions, runCommand } from "../cli/run.js";
import { readEngineConfig } from "../config.js";
import { StderrLogger } from "../logger.js";
import { writeFile } from "node:fs/promises";
import { BUILD_STAMP, chooseEntry, newestMtime } from "../../scripts/launch.mjs";
import { lineChart } from "./chart.js";
import { launchArgs } from "./launch-args.js";
import { measureBuilds, measureScale, measureThroughput } from "./scale.js";
import { measureSlackPath } from "./slack-path.js";
import { median, percentile } from "../eval/metrics.js";
import { loadQuestionList, loadXquadR } from "../eval/xquad.js";

const REPORT = "bench/results.md";
const CHART = "bench/latency-vs-corpus.svg";

async function main(): Promise<number | void> {
  // Checked before the long run starts, so a misspelt option fails at once.
  const options = readOptions(process.argv.slice(2), BENCH_OPTIONS, BENCH_USAGE);
  if (typeof options === "number") return options;
  const config = readEngineConfig();
  const logger = new StderrLogger(config.logLevel, "bench");
  const service = await createAnswerService({ config, logger });
  // Questions unseen by the corpus's own wording: benchmark questions (off-domain) and off-topic ones.
  const articles = await loadXquadR("eval-data/xquad-r/en.json");
  const questions = [
    ...articles.flatMap((a) => a.questions.map((q) => q.question)).slice(0, 300),
    ...(await loadQuestionList("eval-data/off-topic-heldout.txt")),
  ];
  for (const q of questions.slice(0, 20)) await service.answer(q);
  const warm: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const q of questions) {
      const started = performance.now();
      await service.answer(q);
      warm.push(performance.now() - started);
    }
  }
  // A summary is picked on its file's first request and kept: time both.
  const timed = async (question: string) => {
    const started = performance.now();
    await service.answer(question);
    return performance.now() - started;
  };
  const summaryFirst = await timed("Summarize the article");
  const summaryWarm: number[] = [];
  for (let i = 0; i < 200; i++) summaryWarm.push(await timed("Summarize the article"));

  // What `npm run ask` runs (the compiled build when it is current), and the same from source.
  const coldStart = (command: readonly string[]) => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const run = spawnSync(process.execPath, [...command, "--json", "Who leads the Chinese delegation?"], {
        encoding: "utf8",
      });
      if (run.status !== 0) throw new Error(`ask failed: ${run.stderr}`);
      times.push(performance.now() - started);
    }
    return times;
  };
  const launcherRuntime = chooseEntry(
    "cli/ask",
    newestMtime("src"),
    existsSync(BUILD_STAMP) ? statSync(BUILD_STAMP).mtimeMs : undefined,
  ).runtime;
  const cold = coldStart(launchArgs("cli/ask"));
  const coldFromSource = coldStart(["--import", "tsx", path.resolve("src/cli/ask.ts")]);

  const slackQuestions = questions.slice(0, 200);
  const feedbackLog = path.join(os.tmpdir(), "citebot-bench-feedback.jsonl");
  const sequential = await measureSlackPath(slackQuestions, 1, feedbackLog);
  const concurrent = await measureSlackPath(slackQuestions, 20, feedbackLog);
  const exactlyOnce = (r: typeof sequential) => r.repliesPerQuestion.every((n) => n === 1);

  const sizes = (options.values["--sizes"] as number[] | undefined) ?? [1_000, 10_000, 100_000];
  const scale = await measureScale(sizes, path.join(config.indexRoot, "cache", "eval-use-lite.bin"), (line) =>
    process.stderr.write(`${line}\n`),
  );
  const throughput = await measureThroughput([1, 8, 32], (line) => process.stderr.write(`${line}\n`));
  const buildSizes = (options.values["--build-sizes"] as number[] | undefined) ?? [1_000, 10_000];
  const builds = await measureBuilds(buildSizes, (line) => process.stderr.write(`${line}\n`));
  const embedP50 = median(warm);
  const embedP95 = percentile(warm, 95);
  await writeFile(
    CHART,
    lineChart(
      [
        { name: "retrieval p50", color: "#1f77b4", points: scale.map((r) => [r.size, r.retrievalMs.p50] as const) },
        { name: "retrieval p95", color: "#ff7f0e", points: scale.map((r) => [r.size, r.retrievalMs.p95] as const) },
        { name: "HNSW search p95", color: "#2ca02c", points: scale.map((r) => [r.size, r.hnswMs.p95] as const) },
        { name: "exact search p95", color: "#d62728", points: scale.map((r) => [r.size, r.exactMs.p95] as const) },
      ],
      {
        title: "Query latency vs corpus size (2 cores)",
        xLabel: "sentences in the index (log scale)",
        yLabel: "milliseconds",
      },
    ),
  );

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const report = `# Benchmarks

Generated by \`npm run bench\` on ${cpus().length} CPU(s) (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}.
Corpus: ${service.manifest.sentenceCount} sentences from ${service.manifest.files.length} file(s); model ${service.manifest.embeddingModel}.

| Measure | Runs | Median | p95 |
| --- | ---: | ---: | ---: |
| Warm answer, in-process (question -> answer with citations) | ${warm.length} | ${ms(median(warm))} | ${ms(percentile(warm, 95))} |
| Summary request ("Summarize the article"), in-process: first / later requests | 1 / ${summaryWarm.length} | ${ms(summaryFirst)} / ${ms(median(summaryWarm))} | - / ${ms(percentile(summaryWarm, 95))} |
| Cold start: \`ask\` process start -> answer printed (index built; ${launcherRuntime === "dist" ? "compiled dist/" : "dist/ stale, so from source"}) | ${cold.length} | ${ms(median(cold))} | ${ms(percentile(cold, 95))} |
| Cold start from source (tsx), for comparison | ${coldFromSource.length} | ${ms(median(coldFromSource))} | ${ms(percentile(coldFromSource, 95))} |
| Slack path, one at a time: event sent -> \`chat.postMessage\` at the fake Slack | ${sequential.replyMs.length} | ${ms(median(sequential.replyMs))} | ${ms(percentile(sequential.replyMs, 95))} |
| Slack path, one at a time: event sent -> HTTP ack | ${sequential.ackMs.length} | ${ms(median(sequential.ackMs))} | ${ms(percentile(sequential.ackMs, 95))} |
| Slack path, 20 concurrent: event sent -> \`chat.postMessage\` | ${concurrent.replyMs.length} | ${ms(median(concurrent.replyMs))} | ${ms(percentile(concurrent.replyMs, 95))} |
| Slack path, 20 concurrent: event sent -> HTTP ack | ${concurrent.ackMs.length} | ${ms(median(concurrent.ackMs))} | ${ms(percentile(concurrent.ackMs, 95))} |

## Search at scale

Synthetic corpora (see \`src/bench/scale.ts\`): each sentence joins two real XQuAD-R/article sentences, its
vector mixes their USE lite vectors; 200 XQuAD-R questions with their real vectors. "Retrieval" is the shipped
hybrid retriever without embedding the question (add the warm answer's embedding cost above, p50 ${ms(embedP50)}).
RSS is the benchmark process after a full GC (it also holds the model and the smaller sizes' leftovers).

| Sentences | HNSW build | BM25 build | word-piece build | RSS | recall@10 vs exact | HNSW p50 / p95 | exact p50 / p95 | retrieval p50 / p95 | save / load+BM25+pieces |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${scale.map((r) => `| ${r.size.toLocaleString("en-US")} | ${r.buildSeconds.toFixed(1)} s | ${r.bm25Seconds.toFixed(1)} s | ${r.piecesSeconds.toFixed(1)} s | ${r.rssMiB.toFixed(0)} MiB | ${r.recallAt10.toFixed(4)} | ${ms(r.hnswMs.p50)} / ${ms(r.hnswMs.p95)} | ${ms(r.exactMs.p50)} / ${ms(r.exactMs.p95)} | ${ms(r.retrievalMs.p50)} / ${ms(r.retrievalMs.p95)} | ${r.saveSeconds.toFixed(1)} s / ${r.loadSeconds.toFixed(1)} s |`).join("\n")}

${(() => {
  const served = scale.find((r) => r.served);
  return served?.served
    ? `Served like the bot (fresh process: load index, BM25 and word pieces, then answer with the real model) at ${served.size.toLocaleString("en-US")} sentences: load ${served.served.loadSeconds.toFixed(1)} s, answer p50 ${ms(served.served.p50)}, p95 ${ms(served.served.p95)}, RSS after a full GC ${served.served.rssMiB.toFixed(0)} MiB.\n`
    : "";
})()}
Adding one 26-sentence article to the ${Math.max(...sizes).toLocaleString("en-US")}-sentence index (HNSW insert + save, vectors already embedded): ${scale.find((r) => r.incrementalSeconds !== undefined)?.incrementalSeconds?.toFixed(2)} s, vs ${scale.at(-1)!.buildSeconds.toFixed(1)} s for a full HNSW build.
Chart: \`${CHART}\`. Warm answer at the article size, with embedding: p50 ${ms(embedP50)}, p95 ${ms(embedP95)}.

## Full builds with the real model

\`npm run index -- --rebuild\` in a fresh process (\`src/bench/build-child.ts\`), no vector cache: corpus load and
split, embedding (USE lite, onnxruntime-node, in a worker thread), HNSW build, atomic save. Corpora from
\`writeSyntheticCorpus\` in \`src/bench/scale.ts\`: each line joins the first half of one real sentence to the
second half of another, so lengths and vocabulary are those of real sentences. One run per size.

| Sentences | Build time | Sentences/s | Peak RSS |
| ---: | ---: | ---: | ---: |
${builds.map((b) => `| ${b.sentences.toLocaleString("en-US")} | ${b.seconds.toFixed(1)} s | ${(b.sentences / b.seconds).toFixed(0)} | ${b.peakRssMiB.toFixed(0)} MiB |`).join("\n")}

${(() => {
  const last = builds.find((b) => b.addArticle);
  return last?.addArticle
    ? `Adding the 26-sentence trade article to the ${last.sentences.toLocaleString("en-US")}-sentence corpus, then \`npm run index\` (fresh process, end to end: corpus load and split, 26 sentences embedded, HNSW load, insert, save, swap): ${last.addArticle.seconds.toFixed(2)} s, peak RSS ${last.addArticle.peakRssMiB.toFixed(0)} MiB.`
    : "";
})()}

## Embedding throughput (use-lite, 192 XQuAD-R sentences, length-sorted batches)

| Runtime | Batch size | Sentences/s |
| --- | ---: | ---: |
${throughput.map((t) => `| ${t.runtime} | ${t.batchSize} | ${t.perSecond.toFixed(0)} |`).join("\n")}

Slack path: the real bot (\`src/bench/bot-process.ts\`, run as \`npm start\` runs it: compiled when \`dist/\` is current; HTTP mode) in its own process on loopback, signed
\`app_mention\` events and a local fake Slack Web API (\`src/bench/fake-slack.ts\`) in the benchmark process. Every question answered exactly once: ${exactlyOnce(sequential) && exactlyOnce(concurrent) ? "yes" : "NO"}.
`;
  await publishReport(REPORT, report);
}

runCommand(main);
