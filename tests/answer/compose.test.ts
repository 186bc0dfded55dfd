import { describe, expect, it } from "vitest";
import { kindFields } from "../helpers/answers.js";
import { ABSTENTION, citedText, composeAnswer, NOT_FOUND_TEXT, type RankedSentence } from "../../src/answer/compose.js";
import { formatAnswerText } from "../../src/cli/render.js";
import { formatLocation } from "../../src/answer/wording.js";
import { LOW_CONFIDENCE_TEXT } from "../../src/answer/wording.js";
import { leadsIntoNext } from "../../src/corpus/reference.js";
import type { Sentence } from "../../src/corpus/split.js";

const sentence = (text: string, line: number, source = "corpus/a.txt", lineEnd = line): Sentence => ({
  text,
  source,
  lineStart: line,
  lineEnd,
  charStart: 0,
  charEnd: text.length,
});
const ranked = (text: string, line: number, score: number, relevant = true, source?: string): RankedSentence => ({
  sentence: sentence(text, line, source),
  score,
  dense: relevant ? 0.6 : 0.05,
  keyTermCoverage: relevant ? 1 : 0,
});

describe("composeAnswer", () => {
  it("cites the best sentence as [1] with its file and lines", () => {
    const answer = composeAnswer("q", [ranked("Best.", 3, 0.9), ranked("Far worse.", 5, 0.2)], { maxSentences: 3 });
    expect(answer).toMatchObject({ answered: true, text: "Best. [1]" });
    expect(answer.citations).toEqual([
      { n: 1, text: "Best.", source: "corpus/a.txt", lineStart: 3, lineEnd: 3, score: 0.9 },
    ]);
  });

  it("adds close runners-up, numbered 1..N in order of appearance, every marker with one source", () => {
    const answer = composeAnswer(
      "q",
      [ranked("A.", 1, 0.9), ranked("B.", 2, 0.85), ranked("C.", 9, 0.8), ranked("D.", 4, 0.79)],
      { maxSentences: 3 },
    );
    expect(answer.text).toBe("A. [1] B. [2] C. [3]");
    const markers = [...answer.text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(markers).toEqual(answer.citations.map((c) => c.n));
    expect(answer.citations.map((c) => c.n)).toEqual([1, 2, 3]);
  });

  it.each([
    ["a heading", "Data and licences"],
    ["a question in the text", "Which licence covers the data?"],
    ["a lead-in", "The licences are:"],
  ])("does not add %s as a runner-up", (_kind, text) => {
    const answer = composeAnswer(
      "q",
      [ranked("The data is CC BY-SA.", 1, 0.9), ranked(text, 2, 0.88), ranked("The code is MIT.", 3, 0.85)],
      { maxSentences: 3 },
    );
    expect(answer.citations.map((c) => c.text)).toEqual(["The data is CC BY-SA.", "The code is MIT."]);
  });

  it("respects maxSentences", () => {
    const answer = composeAnswer("q", [ranked("A.", 1, 0.9), ranked("B.", 2, 0.9)], { maxSentences: 1 });
    expect(answer.citations).toHaveLength(1);
  });

  it("cites a sentence repeated in two files once", () => {
    const answer = composeAnswer(
      "q",
      [ranked("Same.", 1, 0.9, true, "a.txt"), ranked("Same.", 7, 0.9, true, "b.txt")],
      { maxSentences: 3 },
    );
    expect(answer.citations).toHaveLength(1);
  });

  it("abstains when the best sentence is not relevant, listing closest passages separately", () => {
    const answer = composeAnswer("q", [ranked("Unrelated.", 2, 0.7, false), ranked("Also.", 3, 0.6, false)], {
      maxSentences: 3,
    });
    expect(answer).toMatchObject({ answered: false, text: NOT_FOUND_TEXT, citations: [] });
    expect(answer.related.map((r) => r.text)).toEqual(["Unrelated.", "Also."]);
  });

  it("abstains on an empty ranking", () => {
    expect(composeAnswer("q", [], { maxSentences: 3 }).answered).toBe(false);
  });

  it("uses the calibrated threshold on relevance", () => {
    const scale = 1 + ABSTENTION.denseWeight;
    const justBelow: RankedSentence = {
      sentence: sentence("x", 1),
      score: 1,
      dense: 0,
      keyTermCoverage: (ABSTENTION.threshold - 0.01) * scale,
    };
    const justAbove: RankedSentence = { ...justBelow, keyTermCoverage: (ABSTENTION.threshold + 0.01) * scale };
    expect(composeAnswer("q", [justBelow], { maxSentences: 1 }).answered).toBe(false);
    expect(composeAnswer("q", [justAbove], { maxSentences: 1 }).answered).toBe(true);
  });

  it.each([
    // dense 0.5, key-term coverage 0.2: relevance 0.35 at weight 1, 0.2 at weight 0, about 0.5 when the cosine dominates
    [{ denseWeight: 1, threshold: 0.34, lowConfidenceBelow: 0.34 }, true, false],
    [{ denseWeight: 1, threshold: 0.34, lowConfidenceBelow: 0.36 }, true, true],
    [{ denseWeight: 1, threshold: 0.36, lowConfidenceBelow: 0.5 }, false, false],
    [{ denseWeight: 0, threshold: 0.25, lowConfidenceBelow: 0.25 }, false, false],
    [{ denseWeight: 0, threshold: 0.1, lowConfidenceBelow: 0.25 }, true, true],
    [{ denseWeight: 100, threshold: 0.45, lowConfidenceBelow: 0.45 }, true, false],
  ])("applies a configured rule %o: answered %s, weak match %s", (abstention, answered, weak) => {
    const hit: RankedSentence = { sentence: sentence("A sentence.", 1), score: 1, dense: 0.5, keyTermCoverage: 0.2 };
    const answer = composeAnswer("q", [hit], { maxSentences: 1, abstention });
    expect(answer.answered).toBe(answered);
    expect(kindFields(answer).lowConfidence === true).toBe(weak);
  });

  it.each([
    // relevance at weight 1: (0.7 + coverage) / 2, above the 0.4 warning line for each row
    ["a heading holding a third of the key terms", "What the bot guarantees", 0.3, true],
    ["an FAQ question holding a third of the key terms", "**How do I get access to the databases?**", 0.3, true],
    ["a lead-in holding a third of the key terms", "To install it, run:", 0.3, true],
    ["a heading holding the key terms", "Deployment", 1, false],
    ["a sentence holding a third of the key terms", "The bot is deployed on Fridays.", 0.3, false],
  ])("warns of a weak match when %s leads the answer: %s", (_name, text, keyTermCoverage, weak) => {
    const hit: RankedSentence = { sentence: sentence(text, 1), score: 1, dense: 0.7, keyTermCoverage };
    const answer = composeAnswer("q", [hit], {
      maxSentences: 1,
      abstention: { denseWeight: 1, threshold: 0.3, lowConfidenceBelow: 0.4 },
    });
    expect(answer.answered).toBe(true);
    expect(kindFields(answer).lowConfidence === true).toBe(weak);
  });

  it("marks only answers, not refusals, as weak matches, and says so first in the terminal", () => {
    const hit: RankedSentence = {
      sentence: sentence("Close but not quite.", 4),
      score: 1,
      dense: 0.5,
      keyTermCoverage: 0.2,
    };
    const weak = composeAnswer("q", [hit], {
      maxSentences: 1,
      abstention: { denseWeight: 1, threshold: 0.3, lowConfidenceBelow: 0.4 },
    });
    expect(weak).toMatchObject({ answered: true, lowConfidence: true });
    expect(formatAnswerText(weak).split("\n")[0]).toBe(LOW_CONFIDENCE_TEXT);
    const confident = composeAnswer("q", [hit], {
      maxSentences: 1,
      abstention: { denseWeight: 1, threshold: 0.3, lowConfidenceBelow: 0.3 },
    });
    expect(confident).not.toHaveProperty("lowConfidence");
    expect(formatAnswerText(confident)).not.toContain(LOW_CONFIDENCE_TEXT);
    expect(JSON.parse(JSON.stringify(confident))).not.toHaveProperty("lowConfidence");
  });
});

describe("citedText", () => {
  it.each([
    ["sentences run on as a paragraph", ["A.", "B."], "A. [1] B. [2]"],
    [
      "a code block stands on lines of its own",
      ["Run:", "npm ci\nnpm start", "Done."],
      "Run: [1]\nnpm ci\nnpm start [2]\nDone. [3]",
    ],
    ["a code block first", ["npm ci\nnpm start", "Done."], "npm ci\nnpm start [1]\nDone. [2]"],
    [
      "table rows stand on lines of their own",
      ["Publish steps:", "| Tag | git tag |", "| Build | make dist |"],
      "Publish steps: [1]\n| Tag | git tag | [2]\n| Build | make dist | [3]",
    ],
    ["nothing cited", [], ""],
  ])("%s", (_name, texts, expected) => {
    expect(citedText(texts.map((text, i) => ({ text, n: i + 1 })))).toBe(expected);
  });
});

describe("formatting", () => {
  it.each([
    [{ source: "corpus/a.txt", lineStart: 7, lineEnd: 8 }, "corpus/a.txt:7-8"],
    [{ source: "corpus/a.txt", lineStart: 11, lineEnd: 11 }, "corpus/a.txt:11"],
  ])("location %o", (citation, expected) => {
    expect(formatLocation(citation)).toBe(expected);
  });

  it("prints the answer then numbered sources", () => {
    const text = formatAnswerText(composeAnswer("q", [ranked("Best.", 3, 0.9)], { maxSentences: 3 }));
    expect(text).toBe('Best. [1]\n\nSources:\n[1] corpus/a.txt:3  "Best."');
  });

  it("indents the later lines of a quoted code block under its source", () => {
    const text = formatAnswerText(composeAnswer("q", [ranked("npm ci\nnpm start", 3, 0.9)], { maxSentences: 3 }));
    expect(text).toBe('npm ci\nnpm start [1]\n\nSources:\n[1] corpus/a.txt:3  "npm ci\n    npm start"');
  });
});

describe("composeAnswer: the next sentence when it supplies what the question asks for", () => {
  const best = "Run the full regression suite with make regression.";
  const nextOf = (text: string) => (hit: RankedSentence) =>
    hit.sentence.lineStart === 8 ? sentence(text, 9) : undefined;

  it.each([
    {
      case: "a number the best sentence lacks, pointing back",
      question: "How long does the regression suite take?",
      top: best,
      next: "It takes about two hours.",
      cites: [8, 9],
    },
    {
      case: "a name the best sentence lacks, pointing back",
      question: "Who runs the regression suite?",
      top: "the regression suite runs nightly.",
      next: "It is run by Priya Shah.",
      cites: [8, 9],
    },
    {
      case: "the best sentence has a number",
      question: "How long does the regression suite take?",
      top: "Run all 400 regression tests.",
      next: "It takes about two hours.",
      cites: [8],
    },
    {
      case: "the next sentence names its subject",
      question: "How long does the regression suite take?",
      top: best,
      next: "Deploys take about two hours.",
      cites: [8],
    },
    {
      case: "the next sentence has no number",
      question: "How long does the regression suite take?",
      top: best,
      next: "It is slow.",
      cites: [8],
    },
    {
      case: "the question asks for neither",
      question: "What does the regression suite check?",
      top: best,
      next: "It takes about two hours.",
      cites: [8],
    },
  ])("$case -> cites lines $cites", ({ question, top, next, cites }) => {
    const answer = composeAnswer(question, [ranked(top, 8, 0.9)], { maxSentences: 3, nextOf: nextOf(next) });
    expect(answer.citations.map((c) => c.lineStart)).toEqual(cites);
  });

  it("keeps to maxSentences, the best sentence first", () => {
    const answer = composeAnswer(
      "How long does the regression suite take?",
      [ranked(best, 8, 0.9), ranked("Also run the smoke tests.", 20, 0.89)],
      { maxSentences: 2, nextOf: nextOf("It takes about two hours.") },
    );
    expect(answer.citations.map((c) => c.lineStart)).toEqual([8, 9]);
  });
});

describe("composeAnswer: a weak heading gives way to a sentence that answers", () => {
  const rule = { denseWeight: 1, threshold: 0.3, lowConfidenceBelow: 0.4 };
  const hit = (
    text: string,
    line: number,
    score: number,
    dense: number,
    keyTermCoverage: number,
    kind?: Sentence["kind"],
  ): RankedSentence => ({
    sentence: { ...sentence(text, line), ...(kind ? { kind } : {}) },
    score,
    dense,
    keyTermCoverage,
  });
  const section = [sentence("Submit receipts within 30 days.", 15)];

  it.each([
    // relevance at weight 1 is (dense + coverage) / 2; a heading's confidence is also capped by its coverage
    {
      case: "a weak heading and a sentence more relevant, holding more key terms",
      heading: [0.5, 0.35],
      claim: [0.5, 0.55],
      first: "Alcohol is not reimbursed.",
      weak: false,
    },
    { case: "a confident heading", heading: [0.5, 0.9], claim: [0.5, 0.95], first: "Submitting expenses", weak: false },
    {
      case: "a weak heading, the sentence holding fewer key terms",
      heading: [0.5, 0.35],
      claim: [0.7, 0.3],
      first: "Submitting expenses",
      weak: true,
    },
    {
      case: "a weak heading, the sentence not relevant enough",
      heading: [0.5, 0.35],
      claim: [0.05, 0.45],
      first: "Submitting expenses",
      weak: true,
    },
  ])("$case -> first cites $first", ({ heading, claim, first, weak }) => {
    const ranked = [
      hit("Submitting expenses", 13, 0.5, heading[0]!, heading[1]!, "heading"),
      hit("Alcohol is not reimbursed.", 11, 0.45, claim[0]!, claim[1]!),
    ];
    const answer = composeAnswer("Can I expense alcohol?", ranked, {
      maxSentences: 3,
      sectionAfter: () => section,
      abstention: rule,
    });
    expect(answer.citations[0]!.text).toBe(first);
    expect(kindFields(answer).lowConfidence === true).toBe(weak);
  });
});

describe("composeAnswer: a table row's header as context", () => {
  const header: Sentence = { ...sentence("| Step | Command | Owner |", 3), kind: "header-row" };
  const headerRowOf = (hit: RankedSentence) => (hit.sentence.lineStart === 5 ? header : undefined);
  const row = (text: string, kind?: Sentence["kind"]): RankedSentence => ({
    ...ranked(text, 5, 0.9),
    sentence: { ...sentence(text, 5), ...(kind ? { kind } : {}) },
  });

  it.each([
    {
      case: "a later row",
      hit: row("| Publish | `make publish` | Release captain |", "row"),
      text: "| Step | Command | Owner | [1]\n| Publish | `make publish` | Release captain | [2]",
      context: true,
    },
    {
      case: "a sentence",
      hit: row("Publish with make publish."),
      text: "Publish with make publish. [1]",
      context: false,
    },
  ])("$case -> header cited first: $context", ({ hit, text, context }) => {
    const answer = composeAnswer("q", [hit], { maxSentences: 3, headerRowOf });
    expect(answer.text).toBe(text);
    expect(answer.citations[0]!.context === true).toBe(context);
  });
});

describe("composeAnswer: context for an answer that opens with a back-reference", () => {
  const before = sentence("U.S. officials expect more exports of rare earth minerals.", 5);
  const previousOf = (hit: RankedSentence) => (hit.sentence.lineStart === 6 ? before : undefined);

  it.each([
    { case: "opens with 'These'", text: "These materials are vital for electronics.", cites: [5, 6] },
    { case: "opens with 'He' inside a quote", text: "\u201cHe said it was vital,\u201d they wrote.", cites: [5, 6] },
    { case: "names its subject", text: "Rare earths are vital for electronics.", cites: [6] },
    { case: "'The' is not a back-reference", text: "The materials are vital for electronics.", cites: [6] },
  ])("$case -> cites lines $cites", ({ text, cites }) => {
    const answer = composeAnswer("q", [ranked(text, 6, 0.9)], { maxSentences: 3, previousOf });
    expect(answer.citations.map((c) => c.lineStart)).toEqual(cites);
    expect(answer.citations.map((c) => c.n)).toEqual(cites.map((_, i) => i + 1));
    expect(answer.text).toBe(answer.citations.map((c) => `${c.text} [${c.n}]`).join(" "));
  });

  it("marks the context citation and keeps its fusion score when it was retrieved", () => {
    const answer = composeAnswer(
      "q",
      [ranked("These materials are vital.", 6, 0.9), { ...ranked(before.text, 5, 0.3), sentence: before }],
      { maxSentences: 3, previousOf },
    );
    expect(answer.citations[0]).toMatchObject({ n: 1, lineStart: 5, context: true, score: 0.3 });
    expect(answer.citations[1]).toMatchObject({ n: 2, lineStart: 6, score: 0.9 });
    expect(answer.citations[1]).not.toHaveProperty("context");
  });

  it("labels the context source in the terminal rendering", () => {
    const text = formatAnswerText(
      composeAnswer("q", [ranked("These materials are vital.", 6, 0.9)], { maxSentences: 3, previousOf }),
    );
    expect(text).toContain('[1] corpus/a.txt:5 (context)  "U.S. officials');
    expect(text).toContain('[2] corpus/a.txt:6  "These materials');
  });

  it("scores a context sentence that was not retrieved 0", () => {
    const answer = composeAnswer("q", [ranked("These materials are vital.", 6, 0.9)], { maxSentences: 3, previousOf });
    expect(answer.citations[0]).toMatchObject({ lineStart: 5, context: true, score: 0 });
  });

  it("does not cite the context twice when it is already part of the answer", () => {
    const answer = composeAnswer(
      "q",
      [ranked("These materials are vital.", 6, 0.9), { ...ranked(before.text, 5, 0.88), sentence: before }],
      { maxSentences: 3, previousOf },
    );
    expect(answer.citations.map((c) => c.lineStart)).toEqual([6, 5]);
    expect(answer.citations.some((c) => c.context)).toBe(false);
  });

  it("adds nothing when the sentence is the first of its file, or when the sources do not answer", () => {
    expect(
      composeAnswer("q", [ranked("These are vital.", 1, 0.9)], { maxSentences: 3, previousOf }).citations,
    ).toHaveLength(1);
    const refused = composeAnswer("q", [ranked("These materials are vital.", 6, 0.9, false)], {
      maxSentences: 3,
      previousOf,
    });
    expect(refused.answered).toBe(false);
    expect(refused.citations).toEqual([]);
  });
});

describe("composeAnswer: an answer whose best sentence is a heading", () => {
  const heading = ranked("Installation", 3, 0.9);
  const section = [
    sentence("Run npm ci in the project folder.", 5),
    sentence("It needs Node 20.", 5),
    sentence("Then run the tests.", 6),
  ];
  const runnerUp = ranked("Usage notes are elsewhere.", 12, 0.88);

  it("cites the section under the heading instead of runners-up, in document order", () => {
    const answer = composeAnswer("How do I install it?", [heading, runnerUp], {
      maxSentences: 2,
      sectionAfter: () => section,
    });
    expect(answer.text).toBe("Installation [1] Run npm ci in the project folder. [2] It needs Node 20. [3]");
    expect(answer.citations.map((c) => [c.lineStart, c.score])).toEqual([
      [3, 0.9],
      [5, 0],
      [5, 0],
    ]);
  });

  it.each([
    [
      "the best sentence is not a heading (and the heading is no runner-up)",
      [runnerUp, heading],
      () => section,
      "Usage notes are elsewhere. [1]",
    ],
    [
      "the heading has nothing under it",
      [heading, runnerUp],
      () => [],
      "Installation [1] Usage notes are elsewhere. [2]",
    ],
    ["no section is known", [heading, runnerUp], undefined, "Installation [1] Usage notes are elsewhere. [2]"],
  ] as const)("answers as usual when %s", (_name, hits, sectionAfter, text) => {
    expect(composeAnswer("q", hits, { maxSentences: 2, ...(sectionAfter ? { sectionAfter } : {}) }).text).toBe(text);
  });
});

describe("composeAnswer: an answer whose best sentence is a question in the text (an FAQ)", () => {
  it("cites the question followed by the sentences that answer it", () => {
    const question = ranked("Where is the VPN guide?", 7, 0.95);
    const after = [sentence("It lives in the IT wiki under Network.", 8), sentence("Ask the helpdesk for access.", 8)];
    const answer = composeAnswer("Where is the VPN guide?", [question, ranked("VPN access needs a token.", 20, 0.9)], {
      maxSentences: 3,
      sectionAfter: () => after,
    });
    expect(answer.text).toBe(
      "Where is the VPN guide? [1] It lives in the IT wiki under Network. [2] Ask the helpdesk for access. [3]",
    );
  });
});

describe("leadsIntoNext", () => {
  it.each([
    ["Installation", true],
    ["Where is the VPN guide?", true],
    ["**How do I reset my password?**", true],
    ['He asked, "Why now?"', true],
    ["Run npm ci in the project folder.", false],
    ["| Pro | $10 a month |", false],
    ["To install the service, run:", true],
    ["**The steps are:**", true],
    ["The delegation: Bessent, Greer and Lutnick.", false],
  ])("%j -> %s", (text, expected) => {
    expect(leadsIntoNext({ text })).toBe(expected);
  });

  // What the splitter knows about Markdown overrides what the text looks like.
  it.each([
    ["a Markdown heading that ends in punctuation", { text: "What changed in 2.0?", kind: "heading" }, true],
    ["a short list item", { text: "PagerDuty, for the on-call rota", kind: "item" }, false],
    ["a list item that asks a question (an FAQ as a list)", { text: "How do I get access?", kind: "item" }, true],
    ["a list item that leads into a sub-list", { text: "Three accounts:", kind: "item" }, true],
    ["a command in a code block", { text: "make bootstrap", kind: "code" }, false],
    ["a code block ending in a colon or question mark", { text: "x = a ? b :", kind: "code" }, false],
    ["a table row", { text: "| What? | Where? |", kind: "row" }, false],
    ["a table's header row", { text: "| Step | Owner |", kind: "header-row" }, true],
  ] as const)("%s", (_name, passage, expected) => {
    expect(leadsIntoNext(passage)).toBe(expected);
  });
});
