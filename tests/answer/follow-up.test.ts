import { describe, expect, it } from "vitest";
import {
  asksForMore,
  asksForOthers,
  contrastedSubject,
  contrastRetrievalText,
  hasSearchTerms,
  nextConversation,
  nextTopic,
  quotedKey,
  readsAsFollowUp,
  retrievalText,
  type Conversation,
} from "../../src/answer/follow-up.js";

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
    ["Who benefits from that?", true],
    ["What does that mean?", true],
    ["Why is that", true],
    ["What caused this?", true],
    ["Why did those fall?", true],
    ["Which one?", true],
    // Self-contained: names its subject, or has no word pointing back.
    ["Who heads China's delegation?", false],
    ["What did China say it won?", false],
    ["Why was the 20% tariff kept?", false],
    ["Who is He Lifeng?", false],
    ["Where was the first round?", false],
    ["Which companies got export licenses?", false],
    ["Andrew Smith said what?", false],
    // "there" and "that" that point at nothing: existential, relative.
    ["Is there a deadline?", false],
    ["Are there any exemptions?", false],
    ["What are the minerals that matter most?", false],
    ["What do analysts say about tariffs?", false],
    ["How many extended metropolitan areas are there?", false],
    ["What is one way in which graphs can be encoded?", false],
    // "it" standing in for a clause later in the question.
    ["What is it called when there is an active attempt to overthrow a government?", false],
    ["How long does it take for the effects to show?", false],
    ["What does it mean for a knot to be indecomposable?", false],
    ["How was it determined how many would be appointed?", false],
    ["How long did it take?", true],
    ["Why was it imposed?", true],
    ["What does it want in return?", true],
    // A pronoun late in the question usually points inside it.
    ["What tool do stratigraphers use to see their data?", false],
    ["", false],
    ["   ", false],
  ])("%j -> %s", (question, expected) => {
    expect(readsAsFollowUp(question)).toBe(expected);
  });
});

describe("retrievalText", () => {
  it.each([
    [
      "What is his role?",
      "Who heads China's delegation?",
      { text: "What is his role? Who heads China's delegation?", followUpTo: "Who heads China's delegation?" },
    ],
    ["Who is on the US team?", "Who heads China's delegation?", { text: "Who is on the US team?" }],
    ["What is his role?", undefined, { text: "What is his role?" }],
    ["What is his role?", "", { text: "What is his role?" }],
  ])("%j after %j", (question, topic, expected) => {
    expect(retrievalText(question, topic)).toEqual(expected);
  });
});

describe("asksForMore", () => {
  it.each([
    ["Tell me more", true],
    ["tell me more about that", true],
    ["More?", true],
    ["Can you elaborate?", true],
    ["Could you please expand on that?", true],
    ["more context please", true],
    ["Go on", true],
    ["Tell me more about the tariffs", false],
    ["More tariffs?", false],
    ["What else?", false],
    ["Why?", false],
  ])("%j -> %s", (question, expected) => {
    expect(asksForMore(question)).toBe(expected);
  });

  it("reads as a follow-up, so the topic stays", () => {
    expect(readsAsFollowUp("Tell me more")).toBe(true);
    expect(nextTopic("Who heads China's delegation?", "Tell me more")).toBe("Who heads China's delegation?");
  });
});

describe("asksForOthers", () => {
  it.each([
    ["What else?", true],
    ["and who else", true],
    ["Anything else?", true],
    ["Is there anything else about that?", false],
    ["anything else about it", true],
    ["What else did China restrict?", false],
    ["Tell me more", false],
  ])("%j -> %s", (question, expected) => {
    expect(asksForOthers(question)).toBe(expected);
  });

  it("reads as a follow-up", () => {
    expect(readsAsFollowUp("Anything else?")).toBe(true);
  });
});

describe("contrastedSubject", () => {
  it.each([
    ["And the US side?", "the US side"],
    ["What about China?", "China"],
    ["how about other firms", "other firms"],
    ["But in London?", "in London"],
    ["What of the fentanyl tariff?", "the fentanyl tariff"],
    // "one" stands for the noun just said.
    ["And the Chinese one?", "the Chinese"],
    ["What about the red ones", "the red"],
    ["And these ones?", undefined],
    // A question of its own after the connective is no contrast.
    ["And who controls them?", undefined],
    ["And what does it expect from China?", undefined],
    ["And did Beijing confirm?", undefined],
    // No words of its own to tell the new subject by.
    ["And?", undefined],
    ["What about it?", undefined],
    // Not after a connective.
    ["What did China restrict?", undefined],
    ["Anderson scored?", undefined],
  ])("%j -> %j", (question, expected) => {
    expect(contrastedSubject(question)).toBe(expected);
  });

  it.each([
    // A new name stands in for the topic's names; the topic's first word stays (it opens the question).
    ["What about China?", "China", "Who represents the United States?", "China Who represents the"],
    [
      "And the Commerce Secretary?",
      "the Commerce Secretary",
      "Who is the Treasury Secretary?",
      "the Commerce Secretary Who is the",
    ],
    ["And Howard Lutnick's?", "Howard Lutnick's", "What is Scott Bessent's job?", "Howard Lutnick's What is job?"],
    // No name in the subject: read with the whole topic, as any follow-up.
    [
      "And the fentanyl tariff?",
      "the fentanyl tariff",
      "What is China's tariff now?",
      "And the fentanyl tariff? What is China's tariff now?",
    ],
    [
      "And exports?",
      "exports",
      "How much did imports from the U.S. fall?",
      "And exports? How much did imports from the U.S. fall?",
    ],
  ])("retrieves %j after %j with %j", (question, subject, topic, expected) => {
    expect(contrastRetrievalText(question, subject, topic)).toBe(expected);
  });

  it("reads as a follow-up whenever it is one", () => {
    for (const question of ["And the US side?", "What about China?", "How about other firms?"])
      expect(readsAsFollowUp(question)).toBe(true);
  });
});

describe("nextTopic", () => {
  it("keeps the last self-contained question through a chain of follow-ups, and moves on when the subject changes", () => {
    const questions = [
      "Who heads China's delegation?",
      "What is his role?",
      "And how long has he held it?",
      "What happened to the 145% tariffs?",
      "And the Chinese ones?",
    ];
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

  it.each([
    "Tell me more",
    "What else?",
    "Anything else?",
    "go on",
    "Who?",
    "What is it?",
    "Why not?",
    "thanks!",
    "hello",
    "Got it.",
  ])("never takes %j, which names no subject, as the topic", (question) => {
    expect(nextTopic(undefined, question)).toBeUndefined();
    expect(nextTopic("Who leads?", question)).toBe("Who leads?");
  });

  it("takes a first question as the topic even when it reads as a follow-up, and ignores empty text", () => {
    expect(nextTopic(undefined, "What is his role?")).toBe("What is his role?");
    expect(nextTopic("Who leads?", "  ")).toBe("Who leads?");
    expect(nextTopic(undefined, "")).toBeUndefined();
  });

  it("leaves the topic as it was after a request for a summary", () => {
    expect(nextTopic("Who leads?", "tl;dr")).toBe("Who leads?");
    expect(nextTopic(undefined, "Summarize the article")).toBeUndefined();
    expect(nextTopic("Who leads?", "Summarize the fentanyl tariff")).toBe("Summarize the fentanyl tariff");
  });
});

describe("nextConversation", () => {
  const cite = (...texts: string[]) => texts.map((text) => ({ source: "corpus/a.txt", text }));
  const topic = "Who heads China's delegation?";
  const keys = (...texts: string[]) => cite(...texts).map(quotedKey);
  const start: Conversation = { topic, quoted: keys("He Lifeng heads it.") };

  it.each<
    [
      string,
      Conversation | undefined,
      string,
      { citations: ReturnType<typeof cite>; followUpTo?: string },
      Conversation | undefined,
    ]
  >([
    [
      "a first question starts the topic with what its answer quoted",
      undefined,
      topic,
      { citations: cite("He Lifeng heads it.") },
      start,
    ],
    [
      "a first question that found nothing starts the topic with nothing quoted",
      undefined,
      topic,
      { citations: [] },
      { topic, quoted: [] },
    ],
    [
      "a follow-up adds what it quoted, once",
      start,
      "Tell me more",
      { citations: cite("Before.", "He Lifeng heads it.", "After."), followUpTo: topic },
      { topic, quoted: keys("He Lifeng heads it.", "Before.", "After.") },
    ],
    [
      "a new subject starts over",
      start,
      "What happened to the 145% tariffs?",
      { citations: cite("Tariffs fell.") },
      { topic: "What happened to the 145% tariffs?", quoted: keys("Tariffs fell.") },
    ],
    ["a summary of the documents leaves it as it was", start, "tl;dr", { citations: cite("Opening.") }, start],
    ["empty text leaves it as it was", start, "  ", { citations: [] }, start],
    ["no topic yet and nothing asked: still none", undefined, "", { citations: [] }, undefined],
  ])("%s", (_name, state, question, answer, expected) => {
    expect(nextConversation(state, question, answer)).toEqual(expected);
  });

  it("keeps at most the 50 latest quoted sentences, as short keys", () => {
    let state: Conversation | undefined = nextConversation(undefined, topic, { citations: cite("s0") });
    for (let i = 1; i < 300; i++)
      state = nextConversation(state, "Tell me more", { citations: cite(`s${i}`.repeat(500)), followUpTo: topic });
    expect(state!.quoted).toHaveLength(50);
    expect(state!.quoted.at(-1)).toBe(quotedKey({ source: "corpus/a.txt", text: "s299".repeat(500) }));
    expect(Math.max(...state!.quoted.map((key) => key.length))).toBeLessThan(40);
  });

  it("tells apart sentences by file and text", () => {
    const keys = [
      quotedKey({ source: "a.txt", text: "Same." }),
      quotedKey({ source: "b.txt", text: "Same." }),
      quotedKey({ source: "a.txt", text: "Other." }),
    ];
    expect(new Set(keys).size).toBe(3);
    expect(quotedKey({ source: "a.txt", text: "Same." })).toBe(keys[0]);
  });
});

describe("hasSearchTerms", () => {
  it.each([
    ["Who?", false],
    ["What is it?", false],
    ["Why did they do that?", false],
    ["", false],
    ["Who won?", true],
    ["2015?", true],
    ["Where is the U.S. team?", true],
    ["北京?", true],
  ])("%j -> %s", (question, expected) => {
    expect(hasSearchTerms(question)).toBe(expected);
  });

  it("reads a question without a word of its own as a follow-up", () => {
    expect(readsAsFollowUp("Why did they do that")).toBe(true);
    expect(retrievalText("What is it?", "Who heads China's delegation?").followUpTo).toBe(
      "Who heads China's delegation?",
    );
  });
});
