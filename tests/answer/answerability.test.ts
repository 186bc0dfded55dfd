import { describe, expect, it } from "vitest";
import { kindFields } from "../helpers/answers.js";
import {
  ANSWERABILITY_FEATURES,
  answerability,
  answerabilityFeatures,
  hasEvidence,
  parseAnswerability,
  serializeAnswerability,
  trainAnswerability,
  type AnswerEvidence,
  type AnswerabilityModel,
} from "../../src/answer/answerability.js";
import { ABSTENTION, composeAnswer, relevance } from "../../src/answer/compose.js";
import type { Sentence } from "../../src/corpus/split.js";
import { fitAnswerability, withoutAnswer, WARNING_BUDGET } from "../../src/eval/answerability-data.js";

const sentence = (text: string, line = 1): Sentence => ({
  text,
  source: "corpus/a.txt",
  lineStart: line,
  lineEnd: line,
  charStart: 0,
  charEnd: text.length,
});

function evidence(text: string, overrides: Partial<AnswerEvidence> = {}): AnswerEvidence {
  return {
    sentence: sentence(text),
    score: 0.8,
    dense: 0.6,
    keyTermCoverage: 0.8,
    coverage: 0.7,
    answerType: 1,
    phrase: 0.5,
    novelty: 0.6,
    pronounStart: 0,
    lexical: 5,
    ...overrides,
  };
}

const relevanceOf = (r: Pick<AnswerEvidence, "dense" | "keyTermCoverage">) => relevance(r, 1);

describe("answerabilityFeatures", () => {
  it("reads the best sentence's evidence and how far it leads the runner-up", () => {
    const top = evidence("He Lifeng heads the delegation.", { score: 0.9 });
    const second = evidence("The talks began.", { score: 0.5, dense: 0.4, keyTermCoverage: 0.2 });
    const features = answerabilityFeatures("Who heads the delegation?", top, second, relevanceOf);
    expect(features).toHaveLength(ANSWERABILITY_FEATURES.length);
    const named = Object.fromEntries(ANSWERABILITY_FEATURES.map((name, i) => [name, features[i]]));
    expect(named).toMatchObject({
      relevance: 0.7,
      answerTypeMissing: 0,
      relevanceMargin: expect.closeTo(0.4, 6),
      scoreMargin: expect.closeTo(0.4, 6),
      logLexical: Math.log1p(5),
    });
  });

  it.each([
    ["a name asked for and none offered", "Who heads the delegation?", 0, 1],
    ["a name asked for and offered", "Who heads the delegation?", 1, 0],
    ["a question with no answer type", "Why did the talks stall?", 0, 0],
  ])("marks the kind of answer as missing for %s", (_name, question, answerType, missing) => {
    const features = answerabilityFeatures(question, evidence("x", { answerType }), undefined, relevanceOf);
    expect(features[ANSWERABILITY_FEATURES.indexOf("answerTypeMissing")]).toBe(missing);
  });

  it("treats a sentence with no runner-up as a clear winner", () => {
    const features = answerabilityFeatures("q", evidence("x"), undefined, relevanceOf);
    expect(features[ANSWERABILITY_FEATURES.indexOf("relevanceMargin")]).toBe(0.3);
    expect(features[ANSWERABILITY_FEATURES.indexOf("scoreMargin")]).toBe(1);
  });

  it("knows a ranked sentence without the retriever's evidence", () => {
    expect(hasEvidence(evidence("x"))).toBe(true);
    expect(hasEvidence({ sentence: sentence("x"), score: 1, dense: 0.5, keyTermCoverage: 1 })).toBe(false);
  });
});

describe("trainAnswerability", () => {
  it("learns to tell answers from non-answers by the evidence that separates them, deterministically", () => {
    const examples = Array.from({ length: 200 }, (_, i) => {
      const answers = i % 2 === 0;
      const features = ANSWERABILITY_FEATURES.map((_, j) =>
        j === 0 ? (answers ? 0.7 : 0.4) + ((i % 7) - 3) / 100 : ((i * (j + 3)) % 11) / 10,
      );
      return { features, answers };
    });
    const learned = trainAnswerability(examples);
    const model: AnswerabilityModel = { ...learned, warnBelow: 0.5 };
    const right = examples.filter((e) => answerability(model, e.features) >= 0.5 === e.answers).length;
    expect(right / examples.length).toBeGreaterThan(0.95);
    expect(learned.weights[0]).toBeGreaterThan(0);
    expect(trainAnswerability(examples)).toEqual(learned);
  });

  it("refuses to learn from nothing", () => {
    expect(() => trainAnswerability([])).toThrow(/no examples/);
  });
});

describe("parseAnswerability", () => {
  const model: AnswerabilityModel = {
    mean: ANSWERABILITY_FEATURES.map(() => 0.5),
    scale: ANSWERABILITY_FEATURES.map(() => 0.2),
    weights: ANSWERABILITY_FEATURES.map(() => 0.1),
    bias: 0,
    warnBelow: 0.25,
  };
  const stored = serializeAnswerability(model);

  it("reads back what serializeAnswerability writes", () => {
    expect(parseAnswerability(JSON.parse(JSON.stringify(stored)))).toEqual(model);
  });

  it.each<[string, unknown, RegExp]>([
    ["null", null, /not an object/],
    ["another feature set", { ...stored, features: ["relevance"] }, /another set of features/],
    ["a short weight list", { ...stored, weights: [1] }, /"mean", "scale" and "weights"/],
    ["a zero scale", { ...stored, scale: ANSWERABILITY_FEATURES.map(() => 0) }, /scale/],
    ["no bias", { ...stored, bias: "0" }, /bias/],
    ["a bound above 1", { ...stored, warnBelow: 2 }, /warnBelow/],
  ])("refuses %s", (_name, value, problem) => {
    expect(parseAnswerability(value)).toMatch(problem);
  });

  it("ships use-lite's model, learned over today's features", () => {
    expect(ABSTENTION.answerability).toBeDefined();
    expect(ABSTENTION.answerability!.weights).toHaveLength(ANSWERABILITY_FEATURES.length);
  });
});

describe("the weak-match warning from the answerability model", () => {
  const doubting: AnswerabilityModel = {
    mean: ANSWERABILITY_FEATURES.map(() => 0),
    scale: ANSWERABILITY_FEATURES.map(() => 1),
    weights: ANSWERABILITY_FEATURES.map((name) => (name === "answerTypeMissing" ? -10 : 0)),
    bias: 2,
    warnBelow: 0.5,
  };
  const rule = { denseWeight: 1, threshold: 0.3, lowConfidenceBelow: 0.35, answerability: doubting };

  it("warns when the model doubts the best sentence (no name offered for a who-question), not otherwise", () => {
    const withoutName = composeAnswer(
      "Who heads the delegation?",
      [evidence("The delegation met on Monday.", { answerType: 0 })],
      { maxSentences: 3, abstention: rule },
    );
    const withName = composeAnswer(
      "Who heads the delegation?",
      [evidence("He Lifeng heads the delegation.", { answerType: 1 })],
      { maxSentences: 3, abstention: rule },
    );
    expect(withoutName).toMatchObject({ answered: true, lowConfidence: true });
    expect(withName.answered).toBe(true);
    expect(kindFields(withName).lowConfidence).toBeUndefined();
  });

  it("leaves answers composed from bare scores (no evidence) and rules without a model to relevance alone", () => {
    const bare = { sentence: sentence("The delegation met on Monday."), score: 0.8, dense: 0.6, keyTermCoverage: 0.8 };
    expect(
      kindFields(composeAnswer("Who heads the delegation?", [bare], { maxSentences: 3, abstention: rule }))
        .lowConfidence,
    ).toBeUndefined();
    const { answerability: _, ...plain } = rule;
    expect(
      kindFields(
        composeAnswer("Who heads the delegation?", [evidence("x", { answerType: 0 })], {
          maxSentences: 3,
          abstention: plain,
        }),
      ).lowConfidence,
    ).toBeUndefined();
  });
});

describe("fitAnswerability (the evaluation's training data)", () => {
  it("takes the gold sentence out for the questions whose page no longer answers them", () => {
    const hits = [0, 1, 2].map((id) => ({
      ...evidence(`s${id}`),
      id,
      pieceMatch: 0,
      prevLexical: 0,
      nextLexical: 0,
      prevDense: -1,
      nextDense: -1,
      length: 3,
    }));
    expect(withoutAnswer({ gold: 1, hits }).map((h) => h.id)).toEqual([0, 2]);
  });

  it("sets the bound so that the warning falls on the budgeted share of answered questions", () => {
    const rule = { denseWeight: 1, threshold: 0.1, lowConfidenceBelow: 0.1 };
    const questions = Array.from({ length: 100 }, (_, i) => {
      const make = (id: number, quality: number) => ({
        ...evidence(`s${id}`, { dense: quality, keyTermCoverage: quality, score: quality, lexical: quality * 5 }),
        id,
        pieceMatch: 0,
        prevLexical: 0,
        nextLexical: 0,
        prevDense: -1,
        nextDense: -1,
        length: 3,
      });
      // Distinct values: with ties, "strictly below" a bound between two equal scores warns on fewer.
      const goldFirst = [make(0, 0.4 + i / 200 + (i % 3) / 1000), make(1, 0.3 + (i % 7) / 100)];
      return { question: `q${i}`, gold: 0, hits: goldFirst };
    });
    const model = fitAnswerability(questions, rule);
    const relevanceOf = (r: Pick<AnswerEvidence, "dense" | "keyTermCoverage">) => relevance(r, 1);
    const warned = questions.filter(
      (q) =>
        answerability(model, answerabilityFeatures(q.question, q.hits[0]!, q.hits[1], relevanceOf)) < model.warnBelow,
    ).length;
    expect(warned).toBe(Math.round(WARNING_BUDGET * questions.length));
  });
});
