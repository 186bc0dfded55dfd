import { spawnSync } from "node:child_process";
import { appendFile, cp, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answer/service.js";
import { CachingEmbeddings } from "../../src/embeddings/cache.js";
import { createEmbeddings } from "../../src/embeddings/factory.js";
import { embeddingIdentity, TransformersEmbeddings } from "../../src/embeddings/transformers.js";
import { ABSTENTION } from "../../src/answer/compose.js";
import { fitFileOf, serializeModelFit } from "../../src/answer/model-fit.js";
import { LEARNED_WEIGHTS } from "../../src/retrieval/fusion.js";
import { UseLiteEmbeddings } from "../../src/embeddings/use-lite.js";
import { UseLiteTfjsEmbeddings } from "../../src/embeddings/use-lite-tfjs.js";
import { WorkerUseLiteEmbeddings } from "../../src/embeddings/worker-embeddings.js";
import { ErrorCode } from "../../src/errors.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { OverlapEmbeddings } from "../helpers/overlap-embeddings.js";
import { tempDir, writeFiles } from "../helpers/temp.js";

const FIXTURE_MODELS = path.resolve("tests/fixtures/models");
const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe("Universal Sentence Encoder lite (default, offline from npm)", () => {
  it("embeds to 512-d unit vectors where related sentences are closer than unrelated ones", async () => {
    const model = new UseLiteEmbeddings();
    const [question, related, unrelated] = await model.embedDocuments([
      "Who leads the Chinese delegation?",
      "Vice Premier He Lifeng heads the Chinese delegation.",
      "Bake the bread for forty minutes.",
    ]);
    expect(question).toHaveLength(512);
    expect(dot(question!, question!)).toBeCloseTo(1, 4);
    expect(dot(question!, related!)).toBeGreaterThan(dot(question!, unrelated!) + 0.1);
    expect(dot(await model.embedQuery("Who leads the Chinese delegation?"), question!)).toBeCloseTo(1, 5);
  });
});

describe("USE lite as an ONNX graph", () => {
  it("gives the same vectors as the package's own TensorFlow.js graph, in batches with padding", async () => {
    const texts = [
      "Who leads the Chinese delegation?",
      "x",
      "Vice Premier He Lifeng heads the Chinese delegation, which includes Commerce Minister Wang Wentao and China International Trade Representative Li Chenggang.",
      "Tariffs fell to 30% (from 145%) on May 12th.",
      "日本語のテキストと絵文字 😀 — unknown pieces",
      "word ".repeat(200), // longer than the model's 128-token window
    ];
    const [onnx, tfjs] = await Promise.all([
      new UseLiteEmbeddings(4).embedDocuments(texts),
      new UseLiteTfjsEmbeddings(3).embedDocuments(texts),
    ]);
    texts.forEach((_, i) => expect(dot(onnx[i]!, tfjs[i]!)).toBeGreaterThan(0.99999));
    expect(dot(onnx[0]!, onnx[2]!)).toBeLessThan(0.9);
  });
});

describe("USE lite in worker threads (used by the bot)", () => {
  it("returns the same vectors as the in-thread model and answers concurrent requests in order", async () => {
    const worker = new WorkerUseLiteEmbeddings();
    const texts = ["Who leads the Chinese delegation?", "Tariffs were reduced to 30%.", "Bake the bread."];
    const [inWorker, inThread] = await Promise.all([
      Promise.all(texts.map((t) => worker.embedQuery(t))),
      new UseLiteEmbeddings().embedDocuments(texts),
    ]);
    inWorker.forEach((v, i) => expect(dot(v, inThread[i]!)).toBeCloseTo(1, 5));
    await worker.close();
  });

  it("survives closing and re-creating the workers (run in a separate process, so a crash fails only this test)", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.resolve("tests/fixtures/worker-churn.ts")], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.stderr).not.toMatch(/free\(\)|malloc|corrupt/);
    expect(run.stdout.trim()).toBe("ok");
    expect(run.status).toBe(0);
  });

  it("answers a question before document batches that were queued earlier", async () => {
    const worker = new WorkerUseLiteEmbeddings(1, 1);
    await worker.load();
    const finished: string[] = [];
    const documents = worker.embedDocuments(
      Array.from({ length: 12 }, (_, i) => `Sentence number ${i} about trade.`),
      (done) => finished.push(`batch ${done}`),
    );
    const question = worker.embedQuery("Who leads the Chinese delegation?").then(() => finished.push("question"));
    await Promise.all([documents, question]);
    // One batch may already be running when the question arrives; the rest wait behind it.
    expect(finished.indexOf("question")).toBeLessThanOrEqual(1);
    expect(finished).toHaveLength(13);
    await worker.close();
  });
});

describe("Hugging Face models through @xenova/transformers", () => {
  const tiny = () =>
    new TransformersEmbeddings({
      modelId: "citebot/tiny-bert",
      modelsDir: FIXTURE_MODELS,
      allowDownload: false,
      batchSize: 2,
    });

  it("loads a local model with remote loading off and embeds in batches", async () => {
    const model = tiny();
    const progress: number[] = [];
    const vectors = await model.embedDocuments(
      ["talks in london", "the talks in london", "rare earth minerals"],
      (done) => progress.push(done),
    );
    expect(model.dimensions).toBe(16);
    expect(vectors.every((v) => v.length === 16 && Math.abs(dot(v, v) - 1) < 1e-4)).toBe(true);
    expect(progress).toEqual([2, 3]);
    // Batched by length, returned in input order.
    const again = await model.embedDocuments(["rare earth minerals", "talks in london"]);
    expect(dot(again[0]!, vectors[2]!)).toBeCloseTo(1, 5);
    expect(dot(again[1]!, vectors[0]!)).toBeCloseTo(1, 5);
    expect(dot(vectors[0]!, vectors[1]!)).toBeGreaterThan(dot(vectors[0]!, vectors[2]!));
  });

  it("is chosen by EMBEDDING_MODEL and serves answers end to end", async () => {
    const root = await tempDir();
    const config = {
      corpusDir: path.resolve("corpus"),
      indexDir: path.join(root, "index"),
      embeddingModel: "citebot/tiny-bert",
      modelsDir: FIXTURE_MODELS,
      allowModelDownload: false,
      maxAnswerSentences: 3,
    };
    expect(createEmbeddings(config)).toBeInstanceOf(TransformersEmbeddings);
    const service = await createAnswerService({ config, logger: new FakeLogger() });
    expect(service.manifest).toMatchObject({ embeddingModel: "citebot/tiny-bert", dimensions: 16, sentenceCount: 26 });
    const answer = await service.answer("Who heads the Chinese delegation?");
    expect(answer.citations[0]?.lineStart).toBe(11);
  });

  it.each([
    [{}, "citebot/tiny-bert"],
    [{ pooling: "mean" as const }, "citebot/tiny-bert"],
    [{ pooling: "cls" as const }, "citebot/tiny-bert (cls pooling)"],
    [
      { queryPrefix: "query:", documentPrefix: "passage:" },
      'citebot/tiny-bert (query prefix "query:", document prefix "passage:")',
    ],
  ])(
    "names the model with its settings %o as %s (what indexes, caches and fits are keyed by)",
    (settings, identity) => {
      expect(embeddingIdentity("citebot/tiny-bert", settings)).toBe(identity);
      expect(
        new TransformersEmbeddings({
          modelId: "citebot/tiny-bert",
          modelsDir: FIXTURE_MODELS,
          allowDownload: false,
          ...settings,
        }).identity,
      ).toBe(identity);
    },
  );

  it("puts the query prefix before questions and the document prefix before sentences", async () => {
    const plain = tiny();
    const prefixed = new TransformersEmbeddings({
      modelId: "citebot/tiny-bert",
      modelsDir: FIXTURE_MODELS,
      allowDownload: false,
      queryPrefix: "query:",
      documentPrefix: "passage:",
    });
    expect(prefixed.asymmetric).toBe(true);
    expect(plain.asymmetric).toBe(false);
    const [asQuery, asDocument] = await plain.embedDocuments(["query: talks in london", "passage: talks in london"]);
    expect(dot(await prefixed.embedQuery("talks in london"), asQuery!)).toBeCloseTo(1, 5);
    expect(dot((await prefixed.embedDocuments(["talks in london"]))[0]!, asDocument!)).toBeCloseTo(1, 5);
    expect(dot((await prefixed.embedQueries(["talks in london"]))[0]!, asQuery!)).toBeCloseTo(1, 5);
    expect(dot(asQuery!, asDocument!)).toBeLessThan(0.9999);
  });

  it("pools the first token's vector with cls pooling", async () => {
    const cls = new TransformersEmbeddings({
      modelId: "citebot/tiny-bert",
      modelsDir: FIXTURE_MODELS,
      allowDownload: false,
      pooling: "cls",
    });
    const texts = ["talks in london", "rare earth minerals"];
    const [pooledByCls, pooledByMean] = await Promise.all([cls.embedDocuments(texts), tiny().embedDocuments(texts)]);
    for (const [i, vector] of pooledByCls.entries()) {
      expect(vector).toHaveLength(16);
      expect(dot(vector, vector)).toBeCloseTo(1, 4);
      expect(dot(vector, pooledByMean[i]!)).toBeLessThan(0.9999);
    }
  });

  it("rebuilds the index, and refuses the fit, when the model's settings change", async () => {
    const root = await tempDir();
    const config = {
      corpusDir: path.resolve("corpus"),
      indexDir: path.join(root, "index"),
      embeddingModel: "citebot/tiny-bert",
      modelsDir: FIXTURE_MODELS,
      allowModelDownload: false,
      maxAnswerSentences: 3,
    };
    await createAnswerService({ config, logger: new FakeLogger() });
    const logger = new FakeLogger();
    const prefixed = await createAnswerService({
      config: { ...config, modelSettings: { documentPrefix: "passage:" } },
      logger,
    });
    expect(prefixed.manifest.embeddingModel).toBe('citebot/tiny-bert (document prefix "passage:")');
    expect(logger.messages().join("\n")).toContain(
      'it was built with embedding model citebot/tiny-bert, not citebot/tiny-bert (document prefix "passage:")',
    );

    const modelsDir = path.join(root, "models");
    await cp(FIXTURE_MODELS, modelsDir, { recursive: true });
    const fit = {
      modelId: "citebot/tiny-bert",
      dimensions: 16,
      queryWeights: undefined,
      fusionWeights: [...LEARNED_WEIGHTS],
      abstention: ABSTENTION,
    };
    await writeFile(fitFileOf(modelsDir, "citebot/tiny-bert"), serializeModelFit(fit, "test"));
    await createAnswerService({ config: { ...config, modelsDir }, logger: new FakeLogger() });
    await expect(
      createAnswerService({
        config: { ...config, modelsDir, modelSettings: { queryPrefix: "query:" } },
        logger: new FakeLogger(),
      }),
    ).rejects.toThrow(
      'citebot-fit.json was fitted for "citebot/tiny-bert", not citebot/tiny-bert (query prefix "query:")',
    );
  });

  it("explains how to fix a model that is not available offline", async () => {
    const missing = new TransformersEmbeddings({
      modelId: "nobody/missing-model",
      modelsDir: FIXTURE_MODELS,
      allowDownload: false,
    });
    const error = await missing.load().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.ModelLoadFailed });
    expect((error as Error).message).toMatch(/nobody\/missing-model.*ALLOW_MODEL_DOWNLOAD=true/);
  });
});

describe("embedding cache (model id + text hash, one file per model)", () => {
  it("round-trips vectors, embeds only new texts and rewrites the file only when something changed", async () => {
    const file = path.join(await tempDir(), "cache", "test.vectors");
    const first = new OverlapEmbeddings();
    const cache = new CachingEmbeddings(first);
    const before = await cache.embedDocuments(["tariffs on rare earths", "talks in london"]);
    await cache.writeTo(file);

    const second = new OverlapEmbeddings();
    const reread = new CachingEmbeddings(second);
    expect(await reread.readFrom(file)).toBe(true);
    expect(await reread.embedDocuments(["talks in london", "tariffs on rare earths"])).toEqual([before[1], before[0]]);
    expect(second.embedded).toBe(0);
    const unchanged = (await stat(file)).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await reread.writeTo(file);
    expect((await stat(file)).mtimeMs).toBe(unchanged);

    await reread.embedDocuments(["a new sentence about soybeans"]);
    expect(second.embedded).toBe(1);
    reread.retain(["a new sentence about soybeans", "talks in london"]);
    await reread.writeTo(file);
    const third = new CachingEmbeddings(new OverlapEmbeddings());
    expect(await third.readFrom(file)).toBe(true);
    await third.embedDocuments(["a new sentence about soybeans", "talks in london", "tariffs on rare earths"]);
    expect(third.hits).toBe(2);
    expect(third.misses).toBe(1);
  });

  it("appends an update's new vectors as a record and ignores a record torn by a crash", async () => {
    const file = path.join(await tempDir(), "test.vectors");
    const model = new OverlapEmbeddings();
    const full = new CachingEmbeddings(model);
    await full.embedDocuments(["talks in london", "tariffs on rare earths"]);
    await full.writeTo(file);
    const sizeAfterFull = (await stat(file)).size;

    const update = new CachingEmbeddings(model);
    update.seed("talks in london", (await full.embedDocuments(["talks in london"]))[0]!);
    await update.embedDocuments(["talks in london", "export controls on chips"]);
    await update.appendTo(file);
    const appended = (await stat(file)).size - sizeAfterFull;
    expect(appended).toBeGreaterThan(model.dimensions * 4); // one new vector...
    expect(appended).toBeLessThan(2 * model.dimensions * 4); // ...not the seeded one, not a rewrite

    const reread = new CachingEmbeddings(new OverlapEmbeddings());
    await reread.readFrom(file);
    await reread.embedDocuments(["talks in london", "tariffs on rare earths", "export controls on chips"]);
    expect(reread.misses).toBe(0);

    await appendFile(file, Buffer.from([200, 0, 0, 0, 123, 34])); // a record cut short
    const afterCrash = new CachingEmbeddings(new OverlapEmbeddings());
    expect(await afterCrash.readFrom(file)).toBe(true);
    await afterCrash.embedDocuments(["export controls on chips"]);
    expect(afterCrash.misses).toBe(0);
  });

  it("keeps a question's vector apart from a sentence of the same text when the model embeds them differently", async () => {
    const model = new TransformersEmbeddings({
      modelId: "citebot/tiny-bert",
      modelsDir: FIXTURE_MODELS,
      allowDownload: false,
      queryPrefix: "query:",
    });
    const file = path.join(await tempDir(), "tiny.vectors");
    const cache = new CachingEmbeddings(model);
    const [asDocument] = await cache.embedDocuments(["talks in london"]);
    const [asQuery] = await cache.embedQueries(["talks in london"]);
    expect(dot(asQuery!, asDocument!)).toBeLessThan(0.9999);
    expect(dot(await cache.embedQuery("talks in london"), asQuery!)).toBeCloseTo(1, 6);
    await cache.writeTo(file);
    const reread = new CachingEmbeddings(model);
    expect(await reread.readFrom(file)).toBe(true);
    await reread.embedQueries(["talks in london"]);
    expect(reread.misses).toBe(0);
    // The same model run without the prefix is another identity: the file is not read.
    expect(
      await new CachingEmbeddings(
        new TransformersEmbeddings({ modelId: "citebot/tiny-bert", modelsDir: FIXTURE_MODELS, allowDownload: false }),
      ).readFrom(file),
    ).toBe(false);
  });

  it("treats a damaged or foreign cache file as empty", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "bad.vectors": "not a cache" });
    expect(await new CachingEmbeddings(new OverlapEmbeddings()).readFrom(path.join(dir, "bad.vectors"))).toBe(false);
    const file = path.join(dir, "other.vectors");
    const other = new CachingEmbeddings(new OverlapEmbeddings(256, "another-model"));
    await other.embedDocuments(["talks in london"]);
    await other.writeTo(file);
    expect(await new CachingEmbeddings(new OverlapEmbeddings()).readFrom(file)).toBe(false);
  });
});
