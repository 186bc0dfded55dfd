import { describe, expect, it } from "vitest";
import type { SubjectSummary } from "../../src/answer/answer.js";
import { formatAnswerText } from "../../src/cli/render.js";
import { summaryHeading } from "../../src/answer/wording.js";
import {
  composeSummary,
  filesToSummarize,
  openingSentence,
  summaryRequest,
  summarySentences,
} from "../../src/answer/summary.js";
import { answersQuestionBefore, isHeadingLike } from "../../src/corpus/reference.js";
import type { Sentence } from "../../src/corpus/split.js";

const sentence = (source: string, lineStart: number, text: string): Sentence => ({
  text,
  source,
  lineStart,
  lineEnd: lineStart,
  charStart: 0,
  charEnd: text.length,
});

describe("summaryRequest", () => {
  it.each([
    ["Summarize the article", ""],
    ["summarise this document please", ""],
    ["Can you summarize it?", ""],
    ["Hey, could you please sum up the docs?", ""],
    ["tl;dr?", ""],
    ["TLDR", ""],
    ["Recap", ""],
    ["Give me a quick summary", ""],
    ["Give me a short overview of the report.", ""],
    ["What's the gist?", ""],
    ["What are the key points of the article?", ""],
    ["Key takeaways", ""],
    ["What is this article about?", ""],
    ["What's the document all about?", ""],
    ["What is in the docs?", ""],
    ["Any key takeaways?", ""],
    ["What documents do you have?", ""],
    ["Which sources do you know?", ""],
    ["What files are loaded?", ""],
    ["What can you tell me about?", ""],
    ["What can you help me with?", ""],
    ["What do you know?", ""],
    ["What do the sources say?", ""],
    ["Summarize the London talks article", "london talks"],
    ["Give me a summary of the onboarding guide", "onboarding guide"],
    ["Summarize the tariff changes", "tariff changes"],
    ["What are the main points of contention?", "contention"],
  ])("%s -> subject %j", (question, subject) => {
    expect(summaryRequest(question)).toEqual({ subject });
  });

  it("reads 'What is this about?' as a summary request only where nothing came before it", () => {
    expect(summaryRequest("What is this about?")).toEqual({ subject: "", onlyWithoutTopic: true });
    expect(summaryRequest("what's it all about")).toEqual({ subject: "", onlyWithoutTopic: true });
    expect(summaryRequest("What is this article about?")).toEqual({ subject: "" });
  });

  it.each([
    "What are the talks about?",
    "What was it about?",
    "Who heads China's delegation?",
    "What is the main export of China?",
    "Which summary statistics did the report use?",
    "Which documents are required for a visa?",
    "What documents did the delegation sign?",
    "What do you know about tariffs?",
    "What can you tell me about He Lifeng?",
    "How did the overview committee vote?",
    "Why did the article's author visit London?",
    "What did Trump say about the recap?",
    "",
  ])("%j is an ordinary question", (question) => {
    expect(summaryRequest(question)).toBeUndefined();
  });
});

describe("filesToSummarize", () => {
  const files = [
    {
      source: "corpus/us-china-trade-talks-london.txt",
      sentences: [
        sentence("corpus/us-china-trade-talks-london.txt", 1, "Delegations aim to address restrictions on minerals."),
      ],
    },
    {
      source: "corpus/onboarding.md",
      sentences: [
        sentence("corpus/onboarding.md", 1, "Team handbook"),
        sentence("corpus/onboarding.md", 3, "Welcome to the company."),
      ],
    },
    { source: "corpus/empty-ish.md", sentences: [] },
  ];

  it.each([
    ["", ["corpus/us-china-trade-talks-london.txt", "corpus/onboarding.md", "corpus/empty-ish.md"]],
    ["london talks", ["corpus/us-china-trade-talks-london.txt"]],
    ["trade", ["corpus/us-china-trade-talks-london.txt"]],
    // From the title (an opening heading), not the name.
    ["team handbook", ["corpus/onboarding.md"]],
    // Not from opening prose: "minerals" in the article's first sentence does not name the article.
    ["minerals", undefined],
    ["welcome company", undefined],
    ["onboarding notes", ["corpus/onboarding.md"]],
    // Names no file: a question about content.
    ["tariff changes", undefined],
    ["contention", undefined],
    // Less than half of the subject's words: not a name.
    ["trade deficits in asia", undefined],
  ])("subject %j -> %j", (subject, expected) => {
    expect(filesToSummarize({ subject }, files)?.map((f) => f.source)).toEqual(expected);
  });

  it("does not guess between files the subject names equally", () => {
    const twins = [
      { source: "corpus/notes-2024.md", sentences: [sentence("corpus/notes-2024.md", 1, "Meeting notes.")] },
      { source: "corpus/notes-2025.md", sentences: [sentence("corpus/notes-2025.md", 1, "Meeting notes.")] },
    ];
    expect(filesToSummarize({ subject: "notes" }, twins)).toBeUndefined();
    expect(filesToSummarize({ subject: "2025 notes" }, twins)?.map((f) => f.source)).toEqual(["corpus/notes-2025.md"]);
  });

  it("prefers the file a subject names by its file name over one that only has it in its title, in either order", () => {
    const handbook = { source: "docs/handbook.md", sentences: [sentence("docs/handbook.md", 1, "People handbook")] };
    const oncall = { source: "docs/oncall.md", sentences: [sentence("docs/oncall.md", 1, "On-call handbook")] };
    for (const order of [
      [handbook, oncall],
      [oncall, handbook],
    ]) {
      expect(filesToSummarize({ subject: "handbook" }, order)?.map((f) => f.source)).toEqual(["docs/handbook.md"]);
      expect(filesToSummarize({ subject: "on-call handbook" }, order)?.map((f) => f.source)).toEqual([
        "docs/oncall.md",
      ]);
    }
  });

  it("has nothing to summarize in an empty corpus", () => {
    expect(filesToSummarize({ subject: "" }, [])).toBeUndefined();
  });
});

describe("summarySentences", () => {
  const unit = (...xs: number[]) => {
    const n = Math.hypot(...xs);
    return xs.map((x) => x / n);
  };

  it("opens with the first sentence, then the most central, never a near-duplicate, in document order", () => {
    const vectors = [
      unit(0, 0, 0, 1), // opening sentence, off-centre
      unit(1, 0, 0, 0), // the file's main theme
      unit(1, 0.1, 0, 0), // the same said again, a little more central
      unit(0, 1, 0, 0), // its second theme
      unit(0, 0, 1, 0), // an aside
    ];
    expect(summarySentences(vectors, 3)).toEqual([0, 2, 3]);
    expect(summarySentences(vectors, 4)).toEqual([0, 2, 3, 4]);
    // Stops short rather than repeat itself.
    expect(summarySentences(vectors, 5)).toEqual([0, 2, 3, 4]);
  });

  it("passes over headings, for the opening and the rest, unless there is nothing else", () => {
    const vectors = [unit(0, 0, 0, 1), unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(1, 1, 0, 0)];
    expect(summarySentences(vectors, 2, [true, false, false, false])[0]).toBe(1);
    expect(summarySentences(vectors, 4, [true, false, true, false])).toEqual([1, 3]);
    expect(summarySentences(vectors.slice(0, 2), 2, [true, true])).toEqual([0, 1]);
  });

  it.each([
    // 0 opening, 1 an FAQ question (off-centre), 2 its answer (most central), 3 a second theme
    [2, [false, false, false, false], [0, 2]],
    [3, [false, false, false, false], [0, 2, 3]],
    // The answer brings its question along, in a place of its own...
    [3, [false, false, true, false], [0, 1, 2]],
    // ...and is passed over when only one place is left.
    [2, [false, false, true, false], [0, 3]],
    [4, [false, false, true, false], [0, 1, 2, 3]],
  ])("%i wanted, leaning on the previous %j -> %j", (count, leansOnPrevious, expected) => {
    const vectors = [unit(0, 0, 0, 1), unit(0.2, 0.2, 1, 0), unit(1, 0.35, 0, 0), unit(0.3, 1, 0, 0)];
    expect(summarySentences(vectors, count, [], leansOnPrevious)).toEqual(expected);
  });

  it.each([
    // The FAQ's question (1) is passed over alone but comes in with its answer (2).
    [3, [false, true, false, false], [false, false, true, false], [0, 1, 2]],
    [3, [false, true, false, false], [false, false, false, false], [0, 2, 3]],
    // An answer that opens the summary brings its question, if there is room.
    [2, [true, false, false, false], [false, true, false, false], [0, 1]],
    [1, [true, false, false, false], [false, true, false, false], [1]],
  ])("%i wanted, skipping %j, leaning on the previous %j -> %j", (count, skip, leansOnPrevious, expected) => {
    const vectors = [unit(0, 0, 0, 1), unit(0.2, 0.2, 1, 0), unit(1, 0.35, 0, 0), unit(0.3, 1, 0, 0)];
    expect(summarySentences(vectors, count, skip, leansOnPrevious)).toEqual(expected);
  });

  it.each([
    [0, 3, []],
    [2, 5, [0, 1]],
    [4, 0, []],
  ])("%i sentences, %i wanted -> %j", (n, count, expected) => {
    const vectors = Array.from({ length: n }, (_, i) => unit(1, i));
    expect(summarySentences(vectors, count)).toEqual(expected);
  });
});

describe("answersQuestionBefore", () => {
  it.each([
    [
      "an answer under a bold question",
      { text: "They live in the docs folder." },
      { text: "**Where are the diagrams?**" },
      true,
    ],
    ["an answer under a question line", { text: "Go to Settings." }, { text: "How do I reset my password?" }, true],
    [
      "a sentence after a statement",
      { text: "They live in the docs folder." },
      { text: "Diagrams are drawn by hand." },
      false,
    ],
    ["a heading after a question", { text: "Billing", kind: "heading" as const }, { text: "Who owns billing?" }, false],
    [
      "a line after code ending in a question mark",
      { text: "It prints yes.", kind: "item" as const },
      { text: "echo 'ok?'", kind: "code" as const },
      false,
    ],
    ["the first sentence", { text: "They live in the docs folder." }, undefined, false],
  ])("%s -> %s", (_name, passage, previous, expected) => {
    expect(answersQuestionBefore(passage, previous)).toBe(expected);
  });
});

describe("isHeadingLike and openingSentence", () => {
  it.each([
    ["Fruit guide", true],
    ["Setup and configuration", true],
    ["Pears ripen in September.", false],
    ["What is CiteBot?", false],
    ["Note:", false],
    ["**Accounts**", true],
    ["**Where is the VPN guide?**", false],
    ["__Done.__", false],
    ["A very long line without any closing punctuation that goes on and on for many words here", false],
  ])("%j -> %s", (text, expected) => {
    expect(isHeadingLike(text)).toBe(expected);
  });

  it("finds the first sentence that is not a heading", () => {
    expect(openingSentence([{ text: "Guide" }, { text: "Intro" }, { text: "It begins here." }])?.text).toBe(
      "It begins here.",
    );
    expect(openingSentence([{ text: "Guide" }])?.text).toBe("Guide");
    expect(
      openingSentence([
        { text: "Install it with:" },
        { text: "npm ci", kind: "code" },
        { text: "| a | b |", kind: "row" },
        { text: "It runs anywhere." },
      ])?.text,
    ).toBe("It runs anywhere.");
    expect(openingSentence([])).toBeUndefined();
  });
});

describe("composeSummary and its heading", () => {
  const a = [sentence("corpus/a.md", 1, "Alpha opens."), sentence("corpus/a.md", 7, "Alpha goes on.")];

  it("cites every sentence of a file's summary in order, with no scores to compare", () => {
    const summary = composeSummary("tl;dr", a, ["corpus/a.md"], 3);
    expect(summary).toMatchObject({
      answered: true,
      text: "Alpha opens. [1] Alpha goes on. [2]",
      summaryOf: ["corpus/a.md"],
      related: [],
    });
    expect(summary.citations.map((c) => [c.n, c.lineStart, c.score])).toEqual([
      [1, 1, 0],
      [2, 7, 0],
    ]);
    expect(summary.corpusFiles).toBeUndefined();
    expect(formatAnswerText(summary).split("\n")[0]).toBe("Summary of corpus/a.md:");
  });

  it("says how many files an overview lists out of how many", () => {
    const overview = composeSummary(
      "Summarize",
      [a[0]!, sentence("corpus/b.md", 1, "Beta opens.")],
      ["corpus/a.md", "corpus/b.md"],
      12,
    );
    expect(overview.corpusFiles).toBe(12);
    expect(summaryHeading(overview.summaryOf!, overview.corpusFiles)).toBe(
      "The sources hold 12 files. How the first 2 begin (ask me to summarize one by name):",
    );
    expect(summaryHeading(["x", "y"], 2)).toBe(
      "The sources hold 2 files. How each begins (ask me to summarize one by name):",
    );
  });

  it("heads a summary about a subject in the terminal", () => {
    const { summaryOf: _, corpusFiles: __, ...cited } = composeSummary("Summarize tariffs", a, ["corpus/a.md"], 1);
    const about: SubjectSummary = { ...cited, kind: "subject-summary", summaryAbout: "tariffs" };
    expect(formatAnswerText(about).split("\n")[0]).toBe('What the sources say about "tariffs":');
  });
});
