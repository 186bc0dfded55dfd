import { describe, expect, it } from "vitest";
import { splitSentences } from "../../src/corpus/split.js";
import { buildArticleRetriever } from "../../src/eval/evaluate.js";
import { acronymAskedAbout } from "../../src/answer/definition.js";
import { AcronymAliases, acronymDefinitions } from "../../src/retrieval/rewriting/acronyms.js";
import { DEFAULT_FUSION } from "../../src/retrieval/fusion.js";
import { tokenize } from "../../src/retrieval/terms/tokenize.js";
import { OverlapEmbeddings } from "../helpers/overlap-embeddings.js";

describe("acronymDefinitions", () => {
  it.each([
    ["the words before the acronym", "Every engineer gets 25 days of paid time off (PTO) a year.", "pto", "paid time"],
    ["a hyphenated word", "Sign in with single sign-on (SSO).", "sso", "single sign"],
    ["a spelled connector", "The Department of Justice (DOJ) agreed.", "doj", "department justice"],
    ["a skipped connector", "The Federal Bureau of Investigation (FBI) agreed.", "fbi", "federal bureau investigation"],
    [
      "the words inside the parentheses",
      "Read the SLA (service level agreement) first.",
      "sla",
      "service level agreement",
    ],
    ["a plural acronym", "Our Service Level Agreements (SLAs) differ.", "sla", "service level agreements"],
    ["an acronym that is a stop word", "Talk to information technology (IT) first.", "it", "information technology"],
  ])("finds a definition from %s", (_name, text, acronym, words) => {
    expect(acronymDefinitions([text])).toEqual([{ acronym, expansion: tokenize(words), definedIn: [0] }]);
  });

  it.each([
    ["a unit", "Prices rose 5% (USD) in the second quarter (Q2)."],
    ["words that do not spell it", "The team met the board (CEO) today."],
    ["a single word", "We run Kubernetes (KS) clusters."],
    ["a lower-case word in parentheses", "Use the portal (intranet) for this."],
    ["no parentheses", "PTO requests go through Workday."],
    ["an unclosed parenthesis", "paid time off (PTO"],
    ["capitals that end a longer word", "Ask the teamSSO (single sign-on) group."],
  ])("finds none in %s", (_name, text) => {
    expect(acronymDefinitions([text])).toEqual([]);
  });

  it("skips the holes of a sparse list and stays bounded on hostile input", () => {
    const texts: string[] = [];
    texts[2] = "Every engineer gets paid time off (PTO).";
    texts[5] = "PTO requests go through Workday.";
    texts[7] = "Unused paid time off (PTO) carries over.";
    expect(acronymDefinitions(texts)).toEqual([
      { acronym: "pto", expansion: tokenize("paid time"), definedIn: [2, 7] },
    ]);
    expect(acronymDefinitions(["(".repeat(50_000) + "alpha beta (AB) ".repeat(1_000)])).toHaveLength(1);
    // Searching for ")" again from each "(" made this quadratic (33 s here); one pass takes milliseconds.
    expect(acronymDefinitions(["(".repeat(2_000_000) + ") and paid time off (PTO)"])).toEqual([
      { acronym: "pto", expansion: tokenize("paid time"), definedIn: [0] },
    ]);
  });
});

describe("acronymAskedAbout", () => {
  it.each([
    ["What does SSO stand for?", "SSO"],
    ["What is PTO?", "PTO"],
    ["What's an SLA?", "SLA"],
    ["What are SLAs?", "SLAs"],
    ["what does the SRE mean", "SRE"],
    ["WHAT IS PTO?", "PTO"],
    ["Define SLA", "SLA"],
    ["Meaning of PTO?", "PTO"],
    ["PTO stands for?", "PTO"],
    ["SSO?", "SSO"],
    // Not a question about what an acronym stands for:
    ["what is it?", undefined],
    ["What is the SLA for uptime?", undefined],
    ["Who is PTO?", undefined],
    ["What is Kubernetes?", undefined],
    ["What is pto?", undefined],
  ])("%j asks about %j", (question, acronym) => {
    expect(acronymAskedAbout(question)).toBe(acronym);
  });
});

describe("AcronymAliases", () => {
  const aliases = new AcronymAliases(acronymDefinitions(["Every engineer gets paid time off (PTO)."]));

  it("keeps at most 8 meanings of one acronym and 8 acronyms for one first word", () => {
    const letters = [..."abcdefghijklmnopqrst"];
    // 20 acronyms whose words all start with "service", and 20 meanings of "PR".
    const sameFirstWord = letters.map((a) => `the service ${a}word zone (S${a.toUpperCase()}Z).`);
    const sameAcronym = letters.map((a) => `the plan ${a}rrword (PR) here.`.replace(`${a}rrword`, `r${a}word`));
    const aliases = new AcronymAliases(acronymDefinitions([...sameFirstWord, ...sameAcronym]));
    expect(aliases.extraTerms(tokenize("the service aword zone"))).toEqual(["saz"]);
    expect(aliases.extraTerms(tokenize("the service hword zone"))).toEqual(["shz"]);
    expect(aliases.extraTerms(tokenize("the service iword zone"))).toEqual([]);
    expect(new Set(aliases.extraTerms(tokenize("Ask PR.")))).toEqual(
      new Set(["plan", ...letters.slice(0, 8).map((a) => tokenize(`r${a}word`)[0])]),
    );
  });

  it.each([
    ["an acronym's sentence gets the words it stands for", "PTO requests go through Workday.", tokenize("paid time")],
    ["a sentence with the words gets the acronym", "Unused paid time off carries over.", ["pto"]],
    ["the words out of order are not the acronym", "Time is paid monthly.", []],
    ["a sentence with both gets nothing more", "Paid time off (PTO) is 25 days.", []],
  ])("%s", (_name, text, extra) => {
    expect(aliases.extraTerms(tokenize(text))).toEqual(extra);
  });
});

describe("retrieval with the corpus's acronyms", () => {
  const text =
    "Every engineer gets 25 days of paid time off (PTO) a year.\n\n" +
    "PTO requests go through Workday and your manager approves them.\n\n" +
    "Each customer signs a service level agreement (SLA).\n\n" +
    "The SLA promises 99.9% uptime per month.\n";

  it.each([
    ["How do I request paid time off?", /Workday/],
    ["What uptime does the service level agreement promise?", /99\.9%/],
  ])("gives %j the highest BM25 score on the sentence that uses the other form", async (question, expected) => {
    const sentences = splitSentences(text, "handbook.md");
    const retriever = await buildArticleRetriever(sentences, new OverlapEmbeddings(), { fusion: DEFAULT_FUSION });
    const candidates = await retriever.candidates(question);
    const best = candidates.reduce((a, b) => (b.lexical > a.lexical ? b : a));
    expect(sentences[best.id]!.text).toMatch(expected);
  });

  it("answers from the sentence that uses the acronym", async () => {
    const sentences = splitSentences(text, "handbook.md");
    const retriever = await buildArticleRetriever(sentences, new OverlapEmbeddings(), { fusion: DEFAULT_FUSION });
    const [top] = await retriever.retrieve("What uptime does the service level agreement promise?", 1);
    expect(top!.sentence.text).toMatch(/99\.9% uptime/);
  });
});
