/**
 * How likely the best sentence is to answer the question, from the evidence the retriever gathered
 * about it and the runner-up: a logistic model in the manner of SQuAD 2.0's "no answer" classifiers.
 * Relevance alone (cosine and key-term coverage) could not tell an answer from a sentence on the
 * same topic that does not hold one: on XQuAD-R with each question's answer sentence taken out of
 * its article, half the questions still got a plain answer. The model reads more of the evidence
 * (is the kind of answer asked for there, do the question's phrases stand together, how far ahead
 * of the next sentence is it) and is what the weak-match warning listens to, besides relevance.
 *
 * Learned by `npm run eval -- --calibrate` (use-lite, written to use-lite-answerability.json) or
 * `--fit` (another model, in its fit) on the XQuAD-R development half: positives are questions
 * whose best sentence is the answer; negatives are those whose best sentence is not, and every
 * question again with its answer sentence removed. Pure.
 */
import { answerTypeOf } from "../retrieval/features/answer-type.js";
import type { Candidate } from "../retrieval/fusion.js";
import type { Sentence } from "../corpus/split.js";

export const ANSWERABILITY_FEATURES = [
  "relevance",
  "keyTermCoverage",
  "dense",
  "coverage",
  "answerTypeMissing",
  "phrase",
  "novelty",
  "relevanceMargin",
  "scoreMargin",
  "pronounStart",
  "logLexical",
] as const;

/** What the model reads of a ranked sentence: the retriever's evidence about it and its fused score. */
export type AnswerEvidence = Pick<
  Candidate,
  "dense" | "keyTermCoverage" | "coverage" | "answerType" | "phrase" | "novelty" | "pronounStart" | "lexical"
> & {
  readonly score: number;
  readonly sentence: Sentence;
};

export interface AnswerabilityModel {
  /** Per feature: subtracted, then divided by `scale`, before the weights apply (standardised on the training data). */
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
  /** Answers the model gives a lower probability than this carry the weak-match warning. */
  readonly warnBelow: number;
}

const EVIDENCE_FIELDS = ["coverage", "answerType", "phrase", "novelty", "pronounStart", "lexical"] as const;

/** True when a ranked sentence carries the retriever's evidence (tests compose answers from bare scores). */
export function hasEvidence(ranked: object): ranked is AnswerEvidence {
  return EVIDENCE_FIELDS.every((field) => typeof (ranked as Record<string, unknown>)[field] === "number");
}

/** The features of the best sentence, given the runner-up (if any) and relevance as the abstention rule weighs it. */
export function answerabilityFeatures(
  question: string,
  top: AnswerEvidence,
  second: AnswerEvidence | undefined,
  relevanceOf: (r: Pick<AnswerEvidence, "dense" | "keyTermCoverage">) => number,
): number[] {
  const relevance = relevanceOf(top);
  return [
    relevance,
    top.keyTermCoverage,
    top.dense,
    top.coverage,
    answerTypeOf(question) !== "other" && top.answerType === 0 ? 1 : 0,
    top.phrase,
    top.novelty,
    // Without a runner-up nothing competes: as far ahead as a clear winner.
    second ? relevance - relevanceOf(second) : 0.3,
    second ? Math.min(1, top.score - second.score) : 1,
    top.pronounStart,
    Math.log1p(Math.max(0, top.lexical)),
  ];
}

/** The probability, 0..1, that the best sentence answers. */
export function answerability(model: AnswerabilityModel, features: readonly number[]): number {
  let z = model.bias;
  features.forEach((x, i) => (z += ((x - model.mean[i]!) / model.scale[i]!) * model.weights[i]!));
  return 1 / (1 + Math.exp(-z));
}

export interface AnswerabilityExample {
  readonly features: readonly number[];
  /** Whether the best sentence answers the question. */
  readonly answers: boolean;
}

/**
 * Logistic regression by gradient descent on standardised features, with a small L2 pull on the
 * weights. Deterministic. `warnBelow` is left to the caller, who chooses how often to warn.
 */
export function trainAnswerability(
  examples: readonly AnswerabilityExample[],
  options: { epochs?: number; learningRate?: number; l2?: number } = {},
): Omit<AnswerabilityModel, "warnBelow"> {
  const dims = ANSWERABILITY_FEATURES.length;
  if (examples.length === 0) throw new Error("no examples to learn answerability from");
  const mean = Array.from(
    { length: dims },
    (_, j) => examples.reduce((sum, e) => sum + e.features[j]!, 0) / examples.length,
  );
  const scale = Array.from(
    { length: dims },
    (_, j) => Math.sqrt(examples.reduce((sum, e) => sum + (e.features[j]! - mean[j]!) ** 2, 0) / examples.length) || 1,
  );
  const standardised = examples.map((e) => e.features.map((x, j) => (x - mean[j]!) / scale[j]!));
  const weights = new Array<number>(dims).fill(0);
  let bias = 0;
  const epochs = options.epochs ?? 2000;
  const rate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradient = weights.map((w) => l2 * w);
    let biasGradient = 0;
    standardised.forEach((x, k) => {
      const z = bias + x.reduce((sum, v, j) => sum + v * weights[j]!, 0);
      const error = 1 / (1 + Math.exp(-z)) - (examples[k]!.answers ? 1 : 0);
      x.forEach((v, j) => (gradient[j]! += (error * v) / examples.length));
      biasGradient += error / examples.length;
    });
    weights.forEach((_, j) => (weights[j]! -= rate * gradient[j]!));
    bias -= rate * biasGradient;
  }
  return { mean, scale, weights, bias };
}

/** Parses a stored model (the shipped JSON or a fit's), or says what is wrong with it. Pure. */
export function parseAnswerability(value: unknown): AnswerabilityModel | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not an object";
  const raw = value as Record<string, unknown>;
  const numbers = (field: string) => {
    const list = raw[field];
    return Array.isArray(list) &&
      list.length === ANSWERABILITY_FEATURES.length &&
      list.every((x) => typeof x === "number" && Number.isFinite(x))
      ? (list as number[])
      : undefined;
  };
  if (!Array.isArray(raw.features) || raw.features.join() !== ANSWERABILITY_FEATURES.join())
    return "was learned over another set of features (an older CiteBot)";
  const mean = numbers("mean");
  const scale = numbers("scale");
  const weights = numbers("weights");
  if (!mean || !scale || !weights)
    return `needs "mean", "scale" and "weights" of ${ANSWERABILITY_FEATURES.length} numbers each`;
  if (scale.some((s) => s <= 0)) return 'has a "scale" that is not positive';
  if (typeof raw.bias !== "number" || !Number.isFinite(raw.bias)) return 'needs a number "bias"';
  if (typeof raw.warnBelow !== "number" || !(raw.warnBelow >= 0 && raw.warnBelow <= 1))
    return 'needs "warnBelow" from 0 to 1';
  return Object.freeze({ mean, scale, weights, bias: raw.bias, warnBelow: raw.warnBelow });
}

/** The model as stored: feature names first, so a file from another feature set is refused. Pure. */
export function serializeAnswerability(model: AnswerabilityModel): Record<string, unknown> {
  const round = (values: readonly number[]) => values.map((x) => Number(x.toFixed(4)));
  return {
    features: ANSWERABILITY_FEATURES,
    mean: round(model.mean),
    scale: round(model.scale),
    weights: round(model.weights),
    bias: Number(model.bias.toFixed(4)),
    warnBelow: Number(model.warnBelow.toFixed(4)),
  };
}
