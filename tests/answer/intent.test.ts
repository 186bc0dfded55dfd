import { describe, expect, it } from "vitest";
import { classify, type Intent } from "../../src/answer/intent.js";

/** classify, the first step of classify -> handle -> render: what each kind of question is read as. */
describe("classify", () => {
  const TOPIC = "Who heads China's delegation?";
  it.each<[string, string, string | undefined, Partial<Intent> & { kind: Intent["kind"] }]>([
    [
      "an ordinary question",
      "Who heads the Chinese delegation?",
      undefined,
      { kind: "question", text: "Who heads the Chinese delegation?", topic: undefined },
    ],
    ["an ordinary question in a conversation", "Where are the talks held?", TOPIC, { kind: "question", topic: TOPIC }],
    ["a follow-up leaning on a pronoun", "What is his role?", TOPIC, { kind: "follow-up", topic: TOPIC }],
    ["a contrast", "And the US side?", TOPIC, { kind: "contrast", subject: "the US side", topic: TOPIC }],
    ["tell me more", "Tell me more", TOPIC, { kind: "more", topic: TOPIC }],
    ["what else", "What else?", TOPIC, { kind: "others", topic: TOPIC }],
    ["tell me more with nothing before it", "Tell me more", undefined, { kind: "no-earlier-question" }],
    ["only question words", "Who is it?", undefined, { kind: "no-search-terms" }],
    ["no words at all, asked", "???", TOPIC, { kind: "small-talk", talk: "help" }],
    ["thanks, in a conversation", "thanks!", TOPIC, { kind: "small-talk", talk: "thanks" }],
    ["a summary request", "Summarize the article", undefined, { kind: "summary" }],
    ["an acronym", "What is PTO?", undefined, { kind: "definition", acronym: "PTO" }],
  ])("%s", (_name, question, topic, expected) => {
    expect(classify(question, topic)).toMatchObject(expected);
  });

  it("keeps what to do when a summary or a definition finds nothing: the question read as usual", () => {
    const summary = classify("Summarize the tariff changes", undefined);
    expect(summary).toMatchObject({ kind: "summary", request: { subject: expect.stringContaining("tariff") } });
    expect(summary.kind === "summary" && summary.otherwise).toMatchObject({ kind: "question" });
    const definition = classify("What is PTO?", undefined);
    expect(definition.kind === "definition" && definition.otherwise).toMatchObject({
      kind: "question",
      text: "What is PTO?",
    });
  });

  it("reads 'What is this about?' as a summary request only when it opens a conversation", () => {
    expect(classify("What is this about?", undefined).kind).toBe("summary");
    expect(classify("What is this about?", TOPIC).kind).not.toBe("summary");
  });
});
