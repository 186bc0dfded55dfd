import { describe, expect, it } from "vitest";
import type { Answer } from "../../src/answer/answer.js";
import { SMALL_TALK_TEXT } from "../../src/answer/handlers/small-talk.js";
import { FOLLOW_UP_TEXT, LOW_CONFIDENCE_TEXT } from "../../src/answer/wording.js";
import { formatAnswerText } from "../../src/cli/render.js";

const citation = {
  n: 1,
  text: "He heads the delegation.",
  source: "corpus/a.txt",
  lineStart: 3,
  lineEnd: 3,
  score: 0.5,
};
const related = { text: "A near miss.", source: "corpus/a.txt", lineStart: 7, lineEnd: 8, score: 0.2 };
const fields = { question: "q", citations: [citation], related: [] };
const none = { question: "q", citations: [], related: [] };

describe("formatAnswerText: one rendering per kind of answer", () => {
  it.each<[string, Answer, string[]]>([
    [
      "an answer",
      { kind: "answer", answered: true, text: "He heads the delegation. [1]", ...fields },
      ["He heads the delegation. [1]", "", "Sources:", '[1] corpus/a.txt:3  "He heads the delegation."'],
    ],
    [
      "a weak match read as a follow-up",
      {
        kind: "answer",
        answered: true,
        text: "He heads the delegation. [1]",
        ...fields,
        lowConfidence: true,
        followUpTo: "Who leads?",
      },
      [
        `(${FOLLOW_UP_TEXT("Who leads?")})`,
        LOW_CONFIDENCE_TEXT,
        "",
        "He heads the delegation. [1]",
        "",
        "Sources:",
        '[1] corpus/a.txt:3  "He heads the delegation."',
      ],
    ],
    [
      "not found, with the closest passages",
      { kind: "not-found", answered: false, text: "Not found.", ...none, related: [related] },
      ["Not found.", "", "Closest passages (not an answer):", '- corpus/a.txt:7-8  "A near miss."'],
    ],
    [
      "nothing to search",
      { kind: "nothing-to-search", answered: false, text: "Ask about something.", ...none },
      ["Ask about something."],
    ],
    [
      "a file's summary",
      { kind: "summary", answered: true, text: "He heads the delegation. [1]", ...fields, summaryOf: ["corpus/a.txt"] },
      [
        "Summary of corpus/a.txt:",
        "He heads the delegation. [1]",
        "",
        "Sources:",
        '[1] corpus/a.txt:3  "He heads the delegation."',
      ],
    ],
    [
      "a summary about a subject",
      {
        kind: "subject-summary",
        answered: true,
        text: "He heads the delegation. [1]",
        ...fields,
        summaryAbout: "the delegation",
      },
      [
        'What the sources say about "the delegation":',
        "He heads the delegation. [1]",
        "",
        "Sources:",
        '[1] corpus/a.txt:3  "He heads the delegation."',
      ],
    ],
    [
      "small talk",
      { kind: "small-talk", answered: false, text: SMALL_TALK_TEXT.thanks, ...none, talk: "thanks" },
      [SMALL_TALK_TEXT.thanks],
    ],
  ])("%s", (_name, answer, lines) => {
    expect(formatAnswerText(answer).split("\n")).toEqual(lines);
  });
});
