import { describe, expect, it } from "vitest";
import { nextTopic, readsAsFollowUp, retrievalText } from "../src/answer/follow-up.js";

describe("readsAsFollowUp", () => {
  it.each([
    ["What is his role?", true],
    ["How long did it last?", true],
    ["Who controls them?", true],
    ["What was discussed there?", true],
    ["And the Chinese ones?", true],
    ["and who leads China's side?", true],
    ["What about exports to the US?", true],
    ["How about the fentanyl tariff?", true],
    ["Why?", true],
    ["How much?", true],
    ["Who else", true],
    ["When exactly?", true],
    // Self-contained: names its subject, or has no word pointing back.
    ["Who heads China's delegation?", false],
    ["What did China say it won?", false],
    ["Why was the 20% tariff kept?", false],
    ["Who is He Lifeng?", false],
    ["Where was the first round?", false],
    ["Which companies got export licenses?", false],
    ["Andrew Smith said what?", false],
    ["", false],
    ["   ", false],
  ])("%j -> %s", (question, expected) => {
    expect(readsAsFollowUp(question)).toBe(expected);
  });
});

describe("retrievalText", () => {
  it.each([
    ["What is his role?", "Who heads China's delegation?", { text: "Who heads China's delegation? What is his role?", followUpTo: "Who heads China's delegation?" }],
    ["Who is on the US team?", "Who heads China's delegation?", { text: "Who is on the US team?" }],
    ["What is his role?", undefined, { text: "What is his role?" }],
    ["What is his role?", "", { text: "What is his role?" }],
  ])("%j after %j", (question, topic, expected) => {
    expect(retrievalText(question, topic)).toEqual(expected);
  });
});

describe("nextTopic", () => {
  it("keeps the last self-contained question through a chain of follow-ups, and moves on when the subject changes", () => {
    const questions = ["Who heads China's delegation?", "What is his role?", "And how long has he held it?", "What happened to the 145% tariffs?", "And the Chinese ones?"];
    const topics: Array<string | undefined> = [];
    let topic: string | undefined;
    for (const q of questions) topics.push((topic = nextTopic(topic, q)));
    expect(topics).toEqual([
      "Who heads China's delegation?",
      "Who heads China's delegation?",
      "Who heads China's delegation?",
      "What happened to the 145% tariffs?",
      "What happened to the 145% tariffs?",
    ]);
  });

  it("takes a first question as the topic even when it reads as a follow-up, and ignores empty text", () => {
    expect(nextTopic(undefined, "What is his role?")).toBe("What is his role?");
    expect(nextTopic("Who leads?", "  ")).toBe("Who leads?");
    expect(nextTopic(undefined, "")).toBeUndefined();
  });
});
