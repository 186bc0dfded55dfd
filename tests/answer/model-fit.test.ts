import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ANSWERABILITY_FEATURES } from "../../src/answer/answerability.js";
import { ABSTENTION } from "../../src/answer/compose.js";
import {
  abstentionRuleOf,
  builtInFit,
  fitFileOf,
  fitWarnings,
  MAX_FIT_BYTES,
  parseModelFit,
  readModelFit,
  readModelFitAndReport,
  serializeModelFit,
  writeModelFit,
  type ModelFit,
} from "../../src/answer/model-fit.js";
import { createAnswerService } from "../../src/answer/service.js";
import { ErrorCode, isCiteBotError } from "../../src/errors.js";
import { LogLevel } from "../../src/logger.js";
import { FEATURE_NAMES, LEARNED_WEIGHTS } from "../../src/retrieval/fusion.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { OverlapEmbeddings } from "../helpers/overlap-embeddings.js";
import { tempDir, writeFiles } from "../helpers/temp.js";

const MODEL = "acme/encoder";
const FILE = "models/acme/encoder/citebot-fit.json";

/** A fit as `--fit` would write it, for `dimensions`-sized vectors. */
function fitFor(
  modelId: string,
  dimensions: number,
  overrides: Partial<Omit<ModelFit, "source">> = {},
): Omit<ModelFit, "source"> {
  return {
    modelId,
    dimensions,
    queryWeights: Array.from({ length: dimensions }, (_, i) => 1 + (i % 3) / 10),
    fusionWeights: [...LEARNED_WEIGHTS],
    abstention: { denseWeight: 1, threshold: 0.25, lowConfidenceBelow: 0.3 },
    ...overrides,
  };
}

const valid = () => JSON.parse(serializeModelFit(fitFor(MODEL, 4), "test")) as Record<string, unknown>;

describe("parseModelFit", () => {
  it("reads back what serializeModelFit writes", () => {
    const fit = parseModelFit(serializeModelFit(fitFor(MODEL, 4), "test"), { modelId: MODEL, file: FILE });
    expect(fit).toEqual({ ...fitFor(MODEL, 4), source: FILE });
    expect(Object.isFrozen(fit)).toBe(true);
  });

  it("reads back a fit's answerability model, and a fit written before there was one", () => {
    const model = {
      mean: ANSWERABILITY_FEATURES.map(() => 0.5),
      scale: ANSWERABILITY_FEATURES.map(() => 0.25),
      weights: ANSWERABILITY_FEATURES.map((_, i) => i / 10),
      bias: -0.5,
      warnBelow: 0.2,
    };
    const withModel = fitFor(MODEL, 4, {
      abstention: { denseWeight: 1, threshold: 0.25, lowConfidenceBelow: 0.3, answerability: model },
    });
    expect(
      parseModelFit(serializeModelFit(withModel, "test"), { modelId: MODEL, file: FILE }).abstention.answerability,
    ).toEqual(model);
    expect(
      parseModelFit(serializeModelFit(fitFor(MODEL, 4), "test"), { modelId: MODEL, file: FILE }).abstention
        .answerability,
    ).toBeUndefined();
  });

  it("reads a fit without question-side weights as plain cosine", () => {
    const { queryWeights: _, ...rest } = valid();
    expect(parseModelFit(JSON.stringify(rest), { modelId: MODEL, file: FILE }).queryWeights).toBeUndefined();
  });

  it.each<[string, (file: Record<string, unknown>) => unknown, string]>([
    ["not JSON", () => "{", "is not valid JSON"],
    ["an array", () => [], "is not a JSON object"],
    ["null", () => null, "is not a JSON object"],
    ["another model's", (f) => ({ ...f, modelId: "other/model" }), 'was fitted for "other/model", not acme/encoder;'],
    ["no model id", (f) => ({ ...f, modelId: undefined }), "was fitted for undefined, not acme/encoder;"],
    [
      "the same model run with other settings",
      (f) => ({ ...f, modelId: "acme/encoder (cls pooling)" }),
      'was fitted for "acme/encoder (cls pooling)", not acme/encoder (set EMBEDDING_POOLING and the EMBEDDING_*_PREFIX variables as it was fitted with)',
    ],
    ["no dimensions", (f) => ({ ...f, dimensions: undefined }), 'no valid "dimensions"'],
    ["fractional dimensions", (f) => ({ ...f, dimensions: 4.5 }), 'no valid "dimensions"'],
    [
      "an older feature set",
      (f) => ({ ...f, featureNames: FEATURE_NAMES.slice(1) }),
      "another set of ranking features",
    ],
    [
      "renamed features",
      (f) => ({ ...f, featureNames: [...FEATURE_NAMES].reverse() }),
      "another set of ranking features",
    ],
    [
      "too few fusion weights",
      (f) => ({ ...f, fusionWeights: [1, 2] }),
      `no valid "fusionWeights" (${FEATURE_NAMES.length} numbers)`,
    ],
    [
      "a fusion weight that is text",
      (f) => ({ ...f, fusionWeights: FEATURE_NAMES.map(() => "1") }),
      'no valid "fusionWeights"',
    ],
    ["all-zero fusion weights", (f) => ({ ...f, fusionWeights: FEATURE_NAMES.map(() => 0) }), "all zero"],
    [
      "question-side weights of another size",
      (f) => ({ ...f, queryWeights: [1, 1, 1] }),
      'no valid "queryWeights" (4 numbers)',
    ],
    ["no abstention rule", (f) => ({ ...f, abstention: undefined }), 'no valid "abstention"'],
    [
      "a threshold out of range",
      (f) => ({ ...f, abstention: { denseWeight: 1, threshold: 2, lowConfidenceBelow: 2 } }),
      'no valid "abstention"',
    ],
    [
      "a negative dense weight",
      (f) => ({ ...f, abstention: { denseWeight: -1, threshold: 0.2, lowConfidenceBelow: 0.3 } }),
      'no valid "abstention"',
    ],
    [
      "a weak-match bound under the threshold",
      (f) => ({ ...f, abstention: { denseWeight: 1, threshold: 0.3, lowConfidenceBelow: 0.2 } }),
      "below its threshold",
    ],
    [
      "an answerability model over other features",
      (f) => ({
        ...f,
        abstention: {
          ...(f.abstention as object),
          answerability: { features: ["relevance"], mean: [0], scale: [1], weights: [1], bias: 0, warnBelow: 0.2 },
        },
      }),
      'an "abstention.answerability" that was learned over another set of features',
    ],
  ])("refuses %s, naming the file and the fix", (_, change, problem) => {
    const changed = change(valid());
    const text = typeof changed === "string" ? changed : JSON.stringify(changed);
    let error: unknown;
    try {
      parseModelFit(text, { modelId: MODEL, file: FILE });
    } catch (caught) {
      error = caught;
    }
    expect(isCiteBotError(error, ErrorCode.ModelFitInvalid)).toBe(true);
    expect((error as Error).message).toContain(`${FILE} `);
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).toContain(`EMBEDDING_MODEL=${MODEL} npm run eval -- --fit`);
  });
});

describe("fitWarnings and abstentionRuleOf", () => {
  const fit = { ...fitFor(MODEL, 4), source: FILE };
  const configured = { denseWeight: 2, threshold: 0.4, lowConfidenceBelow: 0.5 };

  it.each([
    ["use-lite (built-in fit)", "use-lite", builtInFit("use-lite"), undefined, 0],
    ["a model with its fit", MODEL, fit, undefined, 0],
    ["a model without a fit", MODEL, undefined, undefined, 1],
    ["a model without a fit, rule set in the environment", MODEL, undefined, configured, 1],
  ])("%s: %i warning(s)", (_, modelId, modelFit, rule, count) => {
    const warnings = fitWarnings(modelId, modelFit, rule, FILE);
    expect(warnings).toHaveLength(count);
    for (const warning of warnings)
      expect(warning).toContain(`EMBEDDING_MODEL=${MODEL} npm run eval -- --fit (it writes ${FILE})`);
  });

  it("says the threshold is borrowed only when the environment does not set one", () => {
    expect(fitWarnings(MODEL, undefined, undefined, FILE)[0]).toContain('"not found"');
    expect(fitWarnings(MODEL, undefined, configured, FILE)[0]).not.toContain('"not found"');
  });

  it.each([
    ["the environment over the fit", configured, fit, configured],
    ["the fit over use-lite's", undefined, fit, fit.abstention],
    ["use-lite's without either", undefined, undefined, ABSTENTION],
  ])("takes %s", (_, rule, modelFit, expected) => {
    expect(abstentionRuleOf(rule, modelFit)).toEqual(expected);
  });

  it("keeps the model's answerability model when the environment sets the bounds, and ANSWERABILITY_WARN_BELOW moves or removes its bound", () => {
    const shipped = ABSTENTION.answerability!;
    expect(abstentionRuleOf(configured, undefined)).toEqual({ ...configured, answerability: shipped });
    expect(abstentionRuleOf(undefined, undefined, 0.5).answerability).toEqual({ ...shipped, warnBelow: 0.5 });
    expect(abstentionRuleOf(undefined, undefined, 0).answerability).toBeUndefined();
    expect(abstentionRuleOf(undefined, fit, 0.5)).toEqual(fit.abstention); // a fit without a model has no bound to move
  });
});

describe("reading and writing fit files", () => {
  it("has use-lite's fit built in: its 512 question-side weights and the shipped fusion and rule", async () => {
    const fit = await readModelFit({ embeddingModel: "use-lite", modelsDir: "/nonexistent" });
    expect(fit?.source).toBe("built in");
    expect(fit?.queryWeights).toHaveLength(512);
    expect(fit?.fusionWeights).toEqual(LEARNED_WEIGHTS);
    expect(fit?.abstention).toEqual(ABSTENTION);
  });

  it("finds no fit for a model without a file, and reads the one written beside the model", async () => {
    const modelsDir = await tempDir();
    expect(await readModelFit({ embeddingModel: MODEL, modelsDir })).toBeUndefined();
    const file = fitFileOf(modelsDir, MODEL);
    expect(file).toBe(path.join(modelsDir, "acme", "encoder", "citebot-fit.json"));
    await mkdir(path.dirname(file), { recursive: true });
    await writeModelFit(file, serializeModelFit(fitFor(MODEL, 4), "test"));
    expect(await readModelFit({ embeddingModel: MODEL, modelsDir })).toEqual({ ...fitFor(MODEL, 4), source: file });
  });

  it("replaces a fit file whole, leaving no temporary file behind", async () => {
    const modelsDir = await tempDir();
    const file = fitFileOf(modelsDir, MODEL);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, "{ broken");
    await writeModelFit(file, serializeModelFit(fitFor(MODEL, 4), "test"));
    expect(JSON.parse(await readFile(file, "utf8")).modelId).toBe(MODEL);
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(path.dirname(file))).toEqual(["citebot-fit.json"]);
  });

  it("reports a fit file it cannot read with a clear error, not a missing fit", async () => {
    const modelsDir = await tempDir();
    await mkdir(fitFileOf(modelsDir, MODEL), { recursive: true }); // a folder where the file should be
    await expect(readModelFit({ embeddingModel: MODEL, modelsDir })).rejects.toThrow(
      /citebot-fit\.json could not be read/,
    );
  });

  it("refuses a file far larger than any fit without reading it", async () => {
    const modelsDir = await tempDir();
    const file = fitFileOf(modelsDir, MODEL);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, Buffer.alloc(MAX_FIT_BYTES + 1, 0x20));
    await expect(readModelFit({ embeddingModel: MODEL, modelsDir })).rejects.toThrow(
      /citebot-fit\.json is over 4 MB, far larger than a fit/,
    );
  });

  it("logs which fit ranks, or why there is none, and nothing for use-lite", async () => {
    const modelsDir = await tempDir();
    const quiet = new FakeLogger();
    await readModelFitAndReport({ embeddingModel: "use-lite", modelsDir, abstention: undefined }, quiet);
    expect(quiet.lines).toEqual([]);

    const missing = new FakeLogger();
    expect(
      await readModelFitAndReport({ embeddingModel: MODEL, modelsDir, abstention: undefined }, missing),
    ).toBeUndefined();
    expect(missing.messages(LogLevel.WARN)).toEqual([expect.stringContaining(`No fit for ${MODEL}`)]);

    const file = fitFileOf(modelsDir, MODEL);
    await mkdir(path.dirname(file), { recursive: true });
    await writeModelFit(file, serializeModelFit(fitFor(MODEL, 4), "test"));
    const found = new FakeLogger();
    expect(
      (await readModelFitAndReport({ embeddingModel: MODEL, modelsDir, abstention: undefined }, found))?.source,
    ).toBe(file);
    expect(found.messages()).toEqual([`Ranking with the fit for ${MODEL} from ${file}.`]);
  });
});

describe("the answer service with a model's fit", () => {
  // The long sentence answers; the short one shares no word with the question.
  const CORPUS = {
    "notes.txt":
      "The delegation from China is led by Vice Premier He Lifeng, the leading economic official.\nBread rises.\n",
  };
  const QUESTION = "Who leads the delegation from China?";
  const emptyIndexDir = (root: string) => path.join(root, "index");

  async function serviceWith(
    fit: Omit<ModelFit, "source"> | undefined | string,
    env: { abstention?: ModelFit["abstention"] } = {},
  ) {
    const root = await tempDir();
    await writeFiles(path.join(root, "corpus"), CORPUS);
    const modelsDir = path.join(root, "models");
    const embeddings = new OverlapEmbeddings(64);
    if (fit !== undefined) {
      const file = fitFileOf(modelsDir, embeddings.modelId);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, typeof fit === "string" ? fit : serializeModelFit(fit, "test"));
    }
    const logger = new FakeLogger();
    const service = await createAnswerService({
      config: {
        corpusDir: path.join(root, "corpus"),
        indexDir: emptyIndexDir(root),
        embeddingModel: embeddings.modelId,
        modelsDir,
        allowModelDownload: false,
        maxAnswerSentences: 1,
        ...env,
      },
      logger,
      embeddings,
    });
    return { service, logger };
  }

  const onlyOn = (feature: (typeof FEATURE_NAMES)[number], weight: number) =>
    FEATURE_NAMES.map((name) => (name === feature ? weight : 0));

  it("ranks with the fit's fusion weights: all weight against length puts the shortest sentence first", async () => {
    const neverRefuse = { denseWeight: 1, threshold: -1, lowConfidenceBelow: -1 };
    const byDefault = await serviceWith(
      fitFor("test-overlap", 64, { fusionWeights: [...LEARNED_WEIGHTS], abstention: neverRefuse }),
    );
    const shortFirst = await serviceWith(
      fitFor("test-overlap", 64, { fusionWeights: onlyOn("logLength", -1), abstention: neverRefuse }),
    );
    expect((await byDefault.service.answer(QUESTION)).citations[0]?.text).toMatch(/^The delegation from China/);
    expect((await shortFirst.service.answer(QUESTION)).citations[0]?.text).toBe("Bread rises.");
  });

  it("refuses by the fit's rule, unless the environment sets one", async () => {
    const strict = fitFor("test-overlap", 64, {
      abstention: { denseWeight: 1, threshold: 0.99, lowConfidenceBelow: 0.99 },
    });
    expect((await (await serviceWith(undefined)).service.answer(QUESTION)).answered).toBe(true);
    expect((await (await serviceWith(strict)).service.answer(QUESTION)).answered).toBe(false);
    expect((await (await serviceWith(strict, { abstention: ABSTENTION })).service.answer(QUESTION)).answered).toBe(
      true,
    );
  });

  it("does not start with a fit made for vectors of another size", async () => {
    await expect(serviceWith(fitFor("test-overlap", 128))).rejects.toThrow(
      /fitted for 128-dimensional vectors, but test-overlap gives 64/,
    );
  });

  it("does not start with a broken fit file, and says which file and how to fix it", async () => {
    const error: unknown = await serviceWith("{ not json").catch((caught: unknown) => caught);
    expect(isCiteBotError(error, ErrorCode.ModelFitInvalid)).toBe(true);
    expect((error as Error).message).toMatch(
      /test-overlap[/\\]citebot-fit\.json is not valid JSON; run EMBEDDING_MODEL=test-overlap npm run eval -- --fit/,
    );
  });

  it("logs nothing about fits itself (start-up does, once)", async () => {
    const { logger } = await serviceWith(fitFor("test-overlap", 64));
    expect(logger.messages().filter((m) => /fit/i.test(m))).toEqual([]);
  });
});
