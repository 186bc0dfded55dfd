import { randomUUID } from "node:crypto";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_EMBEDDING_MODEL } from "../config.js";
import { CiteBotError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import { DEFAULT_FUSION, FEATURE_NAMES } from "../retrieval/fusion.js";
import { builtInQueryWeights } from "../retrieval/query-adapter.js";
import { embeddingIdentity, type ModelSettings } from "../embeddings/transformers.js";
import { parseAnswerability, serializeAnswerability } from "./answerability.js";
import { ABSTENTION, type AbstentionRule } from "./compose.js";

/**
 * What is learned for one embedding model: the question-side weights, the fusion weights and the
 * "not found" rule. All three depend on the model (its cosines sit on its own scale), so a model
 * without its fit ranks with weights learned for another. use-lite's fit ships in the source; any
 * other model's is written next to the model by `npm run eval -- --fit` and read at start-up.
 */
export interface ModelFit {
  /** The model's identity: its id, and its pooling and prefixes when not the defaults (CiteBotEmbeddings.identity). */
  readonly modelId: string;
  /** The model's vector size; undefined for the built-in fit, whose weights carry it. */
  readonly dimensions: number | undefined;
  /** One per dimension, applied to the question vector (src/retrieval/query-adapter.ts); undefined: plain cosine. */
  readonly queryWeights: readonly number[] | undefined;
  /** One per FEATURE_NAMES entry. */
  readonly fusionWeights: readonly number[];
  readonly abstention: AbstentionRule;
  /** Where it came from, for the log: "built in" or the file. */
  readonly source: string;
}

export const FIT_FILE_NAME = "citebot-fit.json";

/** A fit file larger than this is refused unread. */
export const MAX_FIT_BYTES = 4_000_000;

/** The file a model's fit is read from and written to: beside the model, MODELS_DIR/<model id>/. */
export function fitFileOf(modelsDir: string, modelId: string): string {
  return path.join(modelsDir, modelId, FIT_FILE_NAME);
}

/** use-lite's shipped fit; undefined for any other model. */
export function builtInFit(modelId: string): ModelFit | undefined {
  if (modelId !== DEFAULT_EMBEDDING_MODEL) return undefined;
  return Object.freeze({
    modelId,
    dimensions: undefined,
    queryWeights: builtInQueryWeights(modelId),
    fusionWeights: DEFAULT_FUSION.method === "linear" ? DEFAULT_FUSION.weights : [],
    abstention: ABSTENTION,
    source: "built in",
  });
}

/** The fit as `--fit` writes it. Pure. */
export function serializeModelFit(fit: Omit<ModelFit, "source">, note: string): string {
  const round = (values: readonly number[]) => values.map((w) => Number(w.toFixed(4)));
  return `${JSON.stringify(
    {
      modelId: fit.modelId,
      dimensions: fit.dimensions,
      note,
      featureNames: FEATURE_NAMES,
      fusionWeights: round(fit.fusionWeights),
      abstention: {
        denseWeight: fit.abstention.denseWeight,
        threshold: Number(fit.abstention.threshold.toFixed(4)),
        lowConfidenceBelow: Number(fit.abstention.lowConfidenceBelow.toFixed(4)),
        ...(fit.abstention.answerability
          ? { answerability: serializeAnswerability(fit.abstention.answerability) }
          : {}),
      },
      ...(fit.queryWeights ? { queryWeights: round(fit.queryWeights) } : {}),
    },
    null,
    1,
  )}\n`;
}

/**
 * Reads a fit file's text, checking everything a wrong or stale file could get wrong: another
 * model, another feature set (written by an older CiteBot), weights of the wrong length, values
 * out of range. Pure; throws a ModelFitInvalid error naming the file and how to fix it.
 */
export function parseModelFit(
  text: string,
  expected: { readonly modelId: string; readonly identity?: string; readonly file: string },
): ModelFit {
  const identity = expected.identity ?? expected.modelId;
  const fail = (problem: string): never => {
    throw new CiteBotError(
      ErrorCode.ModelFitInvalid,
      `${expected.file} ${problem}; run EMBEDDING_MODEL=${expected.modelId} npm run eval -- --fit to fit the model again, or delete the file to rank with use-lite's weights.`,
    );
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail("is not valid JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("is not a JSON object");
  const file = raw as Record<string, unknown>;
  if (file.modelId !== identity) {
    const sameModel =
      typeof file.modelId === "string" &&
      (file.modelId === expected.modelId || file.modelId.startsWith(`${expected.modelId} (`));
    // The same model run with other pooling or prefixes: setting those back is the other fix.
    return fail(
      `was fitted for ${JSON.stringify(file.modelId)}, not ${identity}${sameModel ? " (set EMBEDDING_POOLING and the EMBEDDING_*_PREFIX variables as it was fitted with)" : ""}`,
    );
  }
  const dimensions = file.dimensions;
  if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions < 1)
    return fail('has no valid "dimensions" (a whole number)');
  const names = file.featureNames;
  if (
    !Array.isArray(names) ||
    names.length !== FEATURE_NAMES.length ||
    names.some((name, i) => name !== FEATURE_NAMES[i])
  ) {
    return fail("was fitted for another set of ranking features (an older CiteBot)");
  }
  const numbers = (value: unknown, length: number, name: string): number[] => {
    if (
      !Array.isArray(value) ||
      value.length !== length ||
      value.some((x) => typeof x !== "number" || !Number.isFinite(x))
    ) {
      return fail(`has no valid "${name}" (${length} numbers)`);
    }
    return value as number[];
  };
  const fusionWeights = numbers(file.fusionWeights, FEATURE_NAMES.length, "fusionWeights");
  if (fusionWeights.every((w) => w === 0)) return fail("has fusion weights that are all zero");
  const queryWeights =
    file.queryWeights === undefined ? undefined : numbers(file.queryWeights, dimensions, "queryWeights");
  const rule = file.abstention as Record<string, unknown> | null | undefined;
  const inRange = (value: unknown, min: number, max: number): value is number =>
    typeof value === "number" && value >= min && value <= max;
  if (
    typeof rule !== "object" ||
    rule === null ||
    !inRange(rule.denseWeight, 0, 100) ||
    !inRange(rule.threshold, -1, 1) ||
    !inRange(rule.lowConfidenceBelow, -1, 1)
  ) {
    return fail('has no valid "abstention" (denseWeight 0-100, threshold and lowConfidenceBelow -1 to 1)');
  }
  if (rule.lowConfidenceBelow < rule.threshold)
    return fail("has a weak-match bound (lowConfidenceBelow) below its threshold");
  // Optional: a fit written before the answerability model warns by relevance alone.
  const answerability = rule.answerability === undefined ? undefined : parseAnswerability(rule.answerability);
  if (typeof answerability === "string") return fail(`has an "abstention.answerability" that ${answerability}`);
  return Object.freeze({
    modelId: identity,
    dimensions,
    queryWeights,
    fusionWeights,
    abstention: Object.freeze({
      denseWeight: rule.denseWeight,
      threshold: rule.threshold,
      lowConfidenceBelow: rule.lowConfidenceBelow,
      ...(answerability ? { answerability } : {}),
    }),
    source: expected.file,
  });
}

/**
 * The fit for the model EMBEDDING_MODEL names: built in for use-lite, else read from beside the
 * model; undefined when that model has none (it then ranks with use-lite's weights).
 */
export async function readModelFit(config: {
  readonly embeddingModel: string;
  readonly modelsDir: string;
  readonly identity?: string;
}): Promise<ModelFit | undefined> {
  const builtIn = builtInFit(config.embeddingModel);
  if (builtIn) return builtIn;
  const file = fitFileOf(config.modelsDir, config.embeddingModel);
  let bytes: Buffer;
  try {
    // A fit is a few kilobytes (two numbers per dimension); anything far larger is not one, and is not read whole.
    if ((await stat(file)).size > MAX_FIT_BYTES) {
      throw new CiteBotError(
        ErrorCode.ModelFitInvalid,
        `${file} is over ${MAX_FIT_BYTES / 1_000_000} MB, far larger than a fit; delete it or run EMBEDDING_MODEL=${config.embeddingModel} npm run eval -- --fit.`,
      );
    }
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof CiteBotError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CiteBotError(
      ErrorCode.ModelFitInvalid,
      `${file} could not be read (${(error as Error).message}); check its permissions.`,
      { cause: error },
    );
  }
  return parseModelFit(bytes.toString("utf8"), {
    modelId: config.embeddingModel,
    identity: config.identity ?? config.embeddingModel,
    file,
  });
}

/** Checks a fit against the loaded model's vector size; a fit made for another model's build of the same name would rank with nonsense. */
export function checkFitDimensions(fit: ModelFit, dimensions: number): void {
  if (fit.dimensions === undefined || fit.dimensions === dimensions) return;
  throw new CiteBotError(
    ErrorCode.ModelFitInvalid,
    `${fit.source} was fitted for ${fit.dimensions}-dimensional vectors, but ${fit.modelId} gives ${dimensions}; run EMBEDDING_MODEL=${fit.modelId} npm run eval -- --fit again.`,
  );
}

/** Writes the fit beside the model, atomically: a reader sees the old file or the new one, never half of one. */
export async function writeModelFit(file: string, contents: string): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, contents);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * The "not found" rule in force: ABSTENTION_* variables when set, else the model's fit, else
 * use-lite's. The answerability model is the model's whichever sets the bounds, with its warning
 * bound from ANSWERABILITY_WARN_BELOW when that is set (0: no warnings from it). Pure.
 */
export function abstentionRuleOf(
  configured: AbstentionRule | undefined,
  fit: ModelFit | undefined,
  answerabilityWarnBelow?: number,
): AbstentionRule {
  const learned = fit?.abstention ?? ABSTENTION;
  const rule = configured
    ? { ...configured, answerability: configured.answerability ?? learned.answerability }
    : learned;
  if (answerabilityWarnBelow === undefined || !rule.answerability) return rule;
  return Object.freeze({
    ...rule,
    answerability:
      answerabilityWarnBelow > 0
        ? Object.freeze({ ...rule.answerability, warnBelow: answerabilityWarnBelow })
        : undefined,
  });
}

/** One-line warnings for start-up: a model ranking and refusing with weights learned for another. Pure. */
export function fitWarnings(
  modelId: string,
  fit: ModelFit | undefined,
  configured: AbstentionRule | undefined,
  file: string,
): string[] {
  if (fit) return [];
  const fix = `run EMBEDDING_MODEL=${modelId} npm run eval -- --fit (it writes ${file})`;
  return configured
    ? [`No fit for ${modelId}: it ranks with the fusion weights learned for ${DEFAULT_EMBEDDING_MODEL}; ${fix}.`]
    : [
        `No fit for ${modelId}: it ranks, and says "not found", with the weights and threshold learned for ${DEFAULT_EMBEDDING_MODEL}, whose cosines sit on another scale; ${fix}.`,
      ];
}

/** Reads the model's fit at start-up and says in the log which weights rank and refuse: the file, or why there is none. */
export async function readModelFitAndReport(
  config: {
    readonly embeddingModel: string;
    readonly modelsDir: string;
    readonly abstention: AbstentionRule | undefined;
    readonly modelSettings?: ModelSettings;
  },
  logger: Pick<Logger, "info" | "warn">,
): Promise<ModelFit | undefined> {
  const fit = await readModelFit({
    ...config,
    identity: embeddingIdentity(config.embeddingModel, config.modelSettings ?? {}),
  });
  if (fit && fit.source !== "built in") logger.info(`Ranking with the fit for ${fit.modelId} from ${fit.source}.`);
  for (const warning of fitWarnings(
    config.embeddingModel,
    fit,
    config.abstention,
    fitFileOf(config.modelsDir, config.embeddingModel),
  ))
    logger.warn(warning);
  return fit;
}
