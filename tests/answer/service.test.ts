import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kindFields } from "../helpers/answers.js";
import { SMALL_TALK_TEXT } from "../../src/answer/handlers/small-talk.js";
import { nextConversation, withTopic, type Conversation } from "../../src/answer/follow-up.js";
import {
  NO_EARLIER_QUESTION_TEXT,
  NO_SEARCH_TERMS_TEXT,
  NOT_FOUND_TEXT,
  NOTHING_ELSE_TEXT,
  NOTHING_MORE_TEXT,
} from "../../src/answer/compose.js";
import { createAnswerService, type AnswerService } from "../../src/answer/service.js";
import { SUMMARY_SENTENCES } from "../../src/answer/summary.js";
import { ErrorCode } from "../../src/errors.js";
import { LogLevel } from "../../src/logger.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { OverlapEmbeddings } from "../helpers/overlap-embeddings.js";
import { tempDir, writeFiles } from "../helpers/temp.js";
import { testEngineConfig } from "../helpers/engine.js";

const ARTICLE = await readFile(new URL("../../corpus/us-china-trade-talks-london.txt", import.meta.url), "utf8");

async function setup(files: Record<string, string> = { "trade.txt": ARTICLE }) {
  const root = await tempDir();
  const corpusDir = path.join(root, "corpus");
  const indexDir = path.join(root, "index");
  await mkdir(corpusDir, { recursive: true });
  await writeFiles(corpusDir, files);
  const config = testEngineConfig(root, corpusDir);
  const open = async (embeddings = new OverlapEmbeddings(), rebuild = false) => {
    const logger = new FakeLogger();
    const service = await createAnswerService({ config, logger, embeddings, rebuild });
    return { service, logger, embeddings };
  };
  return { root, corpusDir, indexDir, open };
}

describe("answer service", () => {
  it("answers with a citation of the exact sentence, file and lines", async () => {
    const { open } = await setup();
    const { service } = await open();
    const answer = await service.answer("Who heads the Chinese delegation?");
    expect(answer.answered).toBe(true);
    expect(answer.citations[0]).toMatchObject({ n: 1, lineStart: 11, lineEnd: 11 });
    expect(answer.citations[0]!.source).toMatch(/corpus\/trade\.txt$/);
    expect(answer.citations[0]!.text).toContain("He Lifeng");
    expect(answer.text).toContain("[1]");
  });

  it("answers a question with a misspelt key word", async () => {
    const { open } = await setup();
    const { service } = await open();
    const answer = await service.answer("Who heads the Chinese delgation?");
    expect(answer).toMatchObject({ answered: true });
    expect(answer.citations[0]!.lineStart).toBe(11);
  });

  it("cites the sentence a back-referencing answer points to, from the same file, before it", async () => {
    const { open } = await setup();
    const { service } = await open();
    const answer = await service.answer("Which follow-up meeting was held in Geneva in May on tariff reductions?");
    expect(answer.citations.map((c) => [c.lineStart, c.context ?? false])).toEqual([
      [2, true],
      [3, false],
    ]);
    expect(answer.text).toMatch(/^The second round of trade negotiations .* \[1\] This meeting follows .* \[2\]$/);
  });

  it("never takes a back-referencing answer's context from another file", async () => {
    const { open } = await setup({
      "a.txt": "Alpha beta gamma delta.\n",
      "b.txt": "This meeting follows a session in Geneva on tariff reductions.\n",
    });
    const { service } = await open();
    const answer = await service.answer("Which meeting followed a session in Geneva on tariff reductions?");
    expect(answer.citations.map((c) => [c.source.split("/").pop(), c.context ?? false])).toEqual([["b.txt", false]]);
  });

  it("reads a follow-up with the conversation's topic, says so, and answers a self-contained question alone", async () => {
    const { open } = await setup();
    const { service } = await open();
    const topic = "Who heads China's delegation?";
    const alone = await service.answer("What is his role?");
    const followUp = await service.answer("What is his role?", { topic, quoted: [] });
    expect(alone.followUpTo).toBeUndefined();
    expect(alone.citations[0]?.lineStart).not.toBe(11);
    expect(followUp).toMatchObject({
      kind: "answer",
      question: "What is his role?",
      answered: true,
      followUpTo: topic,
    });
    expect(followUp.citations[0]).toMatchObject({ lineStart: 11 });
    const switched = await service.answer("What happened to the 145% tariffs?", { topic, quoted: [] });
    expect(switched).toEqual(await service.answer("What happened to the 145% tariffs?"));
  });

  it("warns on a follow-up whose own words the best sentence lacks, not on one whose words it has", async () => {
    const { open } = await setup();
    const { service } = await open();
    const food = await service.answer("What is his favourite food?", {
      topic: "Who heads China's delegation?",
      quoted: [],
    });
    expect(food).toMatchObject({ answered: true, followUpTo: "Who heads China's delegation?", lowConfidence: true });
    expect(food.citations[0]).toMatchObject({ lineStart: 11 });
    const discussed = await service.answer("What was discussed there?", {
      topic: "Where was the previous round held, in Geneva?",
      quoted: [],
    });
    expect(discussed).toMatchObject({ answered: true, followUpTo: "Where was the previous round held, in Geneva?" });
    expect(discussed.citations.find((c) => !c.context)).toMatchObject({ lineStart: 3 });
    expect(kindFields(discussed).lowConfidence).toBeUndefined();
  });

  it("answers a contrasting follow-up ('And the fentanyl tariff?') without the sentence quoted for the question before, unless it holds the new words", async () => {
    const { open } = await setup();
    const { service } = await open();
    const converse = async (first: string, second: string) => {
      const earlier = await service.answer(first);
      return { earlier, next: await service.answer(second, nextConversation(undefined, first, earlier)) };
    };
    const tariffs = await converse("Which tariffs were reduced to 30%?", "And the fentanyl tariff?");
    expect(tariffs.earlier.citations[0]).toMatchObject({ lineStart: 13 });
    expect(tariffs.next).toMatchObject({ answered: true, followUpTo: "Which tariffs were reduced to 30%?" });
    expect(tariffs.next.citations.map((c) => c.lineStart)).toEqual([14]);
    // The line quoted before holds the new words too: it still answers ("And exports?" after imports).
    const trade = await converse("How much did imports from the U.S. fall in May?", "And exports?");
    expect(trade.earlier.citations[0]).toMatchObject({ lineStart: 23 });
    expect(trade.next.citations[0]).toMatchObject({ lineStart: 23 });
  });

  it("reads a contrasting follow-up that names something new with that name in place of the topic's names", async () => {
    const { open } = await setup({
      "talks.txt":
        "Alice Smith represents Acme at the talks.\nAcme and Globex met at the talks in Paris, where Acme and Globex signed a deal.\nBob Jones represents Globex at the talks.\n",
    });
    const { service } = await open();
    const earlier = await service.answer("Who represents Acme at the talks?");
    expect(earlier.citations.map((c) => c.lineStart)).toEqual([1]);
    const next = await service.answer(
      "What about Globex?",
      nextConversation(undefined, "Who represents Acme at the talks?", earlier),
    );
    // Read with "Acme", the line naming both firms would come first.
    expect(next).toMatchObject({ answered: true, followUpTo: "Who represents Acme at the talks?" });
    expect(next.citations[0]).toMatchObject({ lineStart: 3 });
  });

  it("answers what an acronym stands for from the sentences that spell it out", async () => {
    const handbook =
      "Every engineer gets 25 days of paid time off (PTO) a year.\n\n" +
      "PTO requests go through Workday; PTO balances show in Workday too.\n\n" +
      "Sign in to every internal tool with SSO.\n";
    const { open } = await setup({ "handbook.md": handbook, "pr.md": "Open a pull request (PR) for every change.\n" });
    const { service } = await open();
    for (const question of ["What is PTO?", "What does PTO stand for?"]) {
      const answer = await service.answer(question);
      expect(answer).toMatchObject({ answered: true });
      expect(answer.citations.map((c) => c.text)).toEqual([
        "Every engineer gets 25 days of paid time off (PTO) a year.",
      ]);
    }
    // An acronym the corpus never spells out is searched for as usual.
    const sso = await service.answer("What is SSO?");
    expect(sso.citations[0]?.text).toBe("Sign in to every internal tool with SSO.");
    // Each meaning a corpus gives an acronym is quoted.
    const { service: both } = await (
      await setup({
        "pr.md": "Open a pull request (PR) for every change.\n",
        "comms.md": "Ask public relations (PR) before talking to the press.\n",
      })
    ).open();
    expect((await both.answer("What does PR stand for?")).citations.map((c) => c.source.split("/").pop())).toEqual([
      "comms.md",
      "pr.md",
    ]);
  });

  it("retries a question that finds nothing alone with the topic, and answers so only with a sentence holding its own words", async () => {
    const { open } = await setup({
      "trade.txt": ARTICLE,
      "notes.txt": "The committee suspended sales of jet engine parts to the buyer.\n",
    });
    const { service } = await open();
    const topic = "What did the committee suspend?";
    const question = "Was the engine maker named?";
    expect((await service.answer(question)).answered).toBe(false);
    const retried = await service.answer(question, { topic, quoted: [] });
    // Found through the topic's words more than its own: a weak match.
    expect(retried).toMatchObject({ answered: true, followUpTo: topic, lowConfidence: true });
    expect(retried.citations[0]!.text).toContain("jet engine parts");
    // Found with the topic, but without any of its own words: the refusal stands.
    expect((await service.answer(withTopic("Were salaries named?", topic))).answered).toBe(true);
    const unanswered = await service.answer("Were salaries named?", { topic, quoted: [] });
    expect(unanswered).toMatchObject({ answered: false });
    expect(unanswered.followUpTo).toBeUndefined();
  });

  it("answers 'tell me more' with the passage around the earlier question's best sentence", async () => {
    const { open } = await setup();
    const { service } = await open();
    const topic = "Who heads China's delegation?";
    expect((await service.answer(topic)).citations[0]!.lineStart).toBe(11);
    const more = await service.answer("Tell me more", { topic, quoted: [] });
    expect(more).toMatchObject({ kind: "answer", question: "Tell me more", answered: true, followUpTo: topic });
    expect(more.citations.map((c) => c.lineStart)).toEqual([10, 11, 12, 13]);
    expect(more.text).toBe(more.citations.map((c) => `${c.text} [${c.n}]`).join(" "));
    // Nothing to expand on: the earlier question's "not found", said for this one.
    const nothing = await service.answer("Tell me more", {
      topic: "What is the best recipe for banana bread?",
      quoted: [],
    });
    expect(nothing).toMatchObject({
      kind: "not-found",
      question: "Tell me more",
      answered: false,
      followUpTo: "What is the best recipe for banana bread?",
    });
  });

  it("answers 'what else?' with the earlier question's next relevant sentences, or says that was all", async () => {
    const apples = [
      "Apples grow on trees in orchards.",
      "Apples grow well in cold climates.",
      "Apples grow in gardens and parks.",
      "Apples grow in many countries.",
      "Apples grow slowly.",
    ];
    const { open } = await setup({ "apples.txt": `${apples.join("\n\n")}\n\nThe sea is deep and cold.\n` });
    const { service } = await open();
    const topic = "Where do apples grow?";
    const first = (await service.answer(topic)).citations.map((c) => c.text);
    const others = await service.answer("What else?", { topic, quoted: [] });
    expect(others).toMatchObject({ kind: "answer", question: "What else?", answered: true, followUpTo: topic });
    const more = others.citations.map((c) => c.text);
    expect(more.length).toBeGreaterThan(0);
    expect(more.filter((t) => first.includes(t))).toEqual([]);
    expect([...first, ...more].every((t) => apples.includes(t))).toBe(true);

    const { open: openSmall } = await setup({
      "a.txt": "Apples grow on trees in orchards.\n\nThe sea is deep and cold.\n",
    });
    const small = (await openSmall()).service;
    expect((await small.answer("Where do apples grow?")).citations[0]!.text).toContain("Apples");
    const nothing = await small.answer("Anything else?", { topic: "Where do apples grow?", quoted: [] });
    expect(nothing).toMatchObject({
      answered: false,
      text: NOTHING_ELSE_TEXT,
      citations: [],
      related: [],
      followUpTo: "Where do apples grow?",
    });
    // When the earlier question found nothing, neither does this: not "that is all".
    expect(await small.answer("What else?", { topic: "Who won the cup final?", quoted: [] })).toMatchObject({
      answered: false,
      text: NOT_FOUND_TEXT,
    });
  });

  it("reads on when 'tell me more' is asked again in the same conversation, and says when the file ends", async () => {
    const lines = Array.from({ length: 9 }, (_, i) =>
      i === 1 ? "Apples grow on trees in orchards." : `Line ${i + 1} says something else entirely.`,
    );
    const { open } = await setup({ "a.txt": `${lines.join("\n\n")}\n` });
    const { service } = await open();
    const linesOf = (a: { citations: readonly { lineStart: number }[] }) => a.citations.map((c) => c.lineStart);
    const { ask } = conversation(service);
    expect(linesOf(await ask("Where do apples grow?"))).toEqual([3]);
    expect(linesOf(await ask("Tell me more"))).toEqual([1, 3, 5, 7]);
    expect(linesOf(await ask("Tell me more"))).toEqual([9, 11, 13, 15]);
    expect(linesOf(await ask("Go on"))).toEqual([17]);
    expect(await ask("Tell me more")).toMatchObject({
      answered: false,
      text: NOTHING_MORE_TEXT,
      citations: [],
      followUpTo: "Where do apples grow?",
    });
    // Without the conversation's memory (a restart), the first passage again.
    expect(linesOf(await service.answer("Tell me more", { topic: "Where do apples grow?", quoted: [] }))).toEqual([
      1, 3, 5, 7,
    ]);
  });

  it("reads on past a list the answer already quoted when asked 'tell me more', with or without the conversation's memory", async () => {
    const { open } = await setup({
      "onboarding.md":
        "# Onboarding\n\n## Accounts\n\nYou need three accounts on day one:\n\n- GitHub, for the code\n- PagerDuty, for the on-call rota\n- The AWS console, through single sign-on\n\n## Laptop\n\nInstall the toolchain first. It takes ten minutes. Then clone the repository. Ask in the help channel if stuck.\n",
    });
    const { service } = await open();
    const { ask } = conversation(service);
    const topic = "What accounts do I need?";
    const answer = await ask(topic);
    expect(answer.citations.map((c) => c.text)).toEqual([
      "You need three accounts on day one:",
      "GitHub, for the code",
      "PagerDuty, for the on-call rota",
      "The AWS console, through single sign-on",
    ]);
    const after = ["Laptop", "Install the toolchain first.", "It takes ten minutes.", "Then clone the repository."];
    expect((await ask("Tell me more")).citations.map((c) => c.text)).toEqual(after);
    expect((await service.answer("Tell me more", { topic, quoted: [] })).citations.map((c) => c.text)).toEqual(after);
  });

  it("leaves out what the conversation already quoted when 'what else?' is asked again", async () => {
    const apples = [
      "Apples grow on trees in orchards.",
      "Apples grow well in cold climates.",
      "Apples grow in gardens and parks.",
      "Apples grow in many countries.",
      "Apples grow slowly.",
      "Apples grow near rivers.",
      "Apples grow on hills.",
    ];
    const { open } = await setup({ "apples.txt": `${apples.join("\n\n")}\n\nThe sea is deep and cold.\n` });
    const { service } = await open();
    const { ask, state } = conversation(service);
    const seen: string[] = [];
    for (const question of ["Where do apples grow?", "What else?", "What else?", "What else?"]) {
      const reply = await ask(question);
      const texts = reply.citations.map((c) => c.text);
      expect(texts.filter((t) => seen.includes(t))).toEqual([]);
      seen.push(...texts);
    }
    expect([...seen].sort()).toEqual([...apples].sort());
    expect(await service.answer("What else?", state())).toMatchObject({ answered: false, text: NOTHING_ELSE_TEXT });
  });

  it("does not bring back quoted sentences through a heading's section on 'what else?'", async () => {
    const { open } = await setup({
      "deploy.md":
        "# Deploys\n\nDeploys go through the deploy channel. Type the deploy command and wait.\n\nProduction deploys are frozen on Fridays.\n",
    });
    const { service } = await open();
    const { ask } = conversation(service);
    const seen = new Set<string>();
    for (const question of ["How do I deploy?", "What else?", "What else?"]) {
      const texts = (await ask(question)).citations.map((c) => c.text);
      expect(texts.filter((t) => seen.has(t))).toEqual([]);
      for (const t of texts) seen.add(t);
    }
  });

  it("says to ask a question first when 'tell me more' or 'what else?' has nothing to add to", async () => {
    const { open } = await setup();
    const { service } = await open();
    for (const question of ["Tell me more", "What else?", "Anything else?", "elaborate please"]) {
      expect(await service.answer(question)).toEqual({
        kind: "nothing-to-search",
        question,
        answered: false,
        text: NO_EARLIER_QUESTION_TEXT,
        citations: [],
        related: [],
      });
    }
  });

  it("says a question without a word to look for (or with no words at all) needs one, unless a topic gives it one", async () => {
    const { open } = await setup();
    const { service } = await open();
    for (const question of ["Who?", "What is it?", "Why did they do that?"]) {
      expect(await service.answer(question)).toEqual({
        kind: "nothing-to-search",
        question,
        answered: false,
        text: NO_SEARCH_TERMS_TEXT,
        citations: [],
        related: [],
      });
    }
    // With no words at all it is small talk: a call for help when asked, an acknowledgement otherwise.
    for (const [question, talk] of [
      ["???", "help"],
      ["🤖🤖🤖?", "help"],
      ["→ ← !", "thanks"],
    ] as const) {
      expect(await service.answer(question)).toEqual({
        kind: "small-talk",
        question,
        answered: false,
        text: SMALL_TALK_TEXT[talk],
        citations: [],
        related: [],
        talk,
      });
    }
    const topic = "Who heads China's delegation?";
    expect(await service.answer("Who is he?", { topic, quoted: [] })).toMatchObject({
      answered: true,
      followUpTo: topic,
    });
  });

  it("does not end a 'tell me more' passage on a heading: the heading opens the next one", async () => {
    const { open } = await setup({
      "it.md": [
        "# IT help",
        "",
        "## VPN",
        "",
        "The VPN is needed for the staging wiki.",
        "",
        "If the VPN drops, switch to the guest network.",
        "",
        "## Passwords",
        "",
        "Passwords are never rotated on a schedule.",
        "",
        "Every account uses an authenticator app.",
        "",
        "## FAQ",
        "",
        "**How do I get a monitor?**",
        "Order one from the hardware catalogue.",
        "",
        "**Can I install my own software?**",
        "Yes, from the self-service app.",
        "",
      ].join("\n"),
    });
    const { service } = await open();
    const { ask } = conversation(service);
    const linesOf = (a: { citations: readonly { lineStart: number }[] }) => a.citations.map((c) => c.lineStart);
    expect(linesOf(await ask("VPN"))).toEqual([3, 5, 7]);
    // Past the quoted section: the next one, without the FAQ heading after it.
    expect(linesOf(await ask("Tell me more"))).toEqual([9, 11, 13]);
    // Nor on an FAQ's question, which its answer must follow.
    expect(linesOf(await ask("Tell me more"))).toEqual([15, 17, 18]);
    expect(linesOf(await ask("Tell me more"))).toEqual([20, 21]);
  });

  it("keeps the passage for 'tell me more' inside the file", async () => {
    const { open } = await setup({
      "a.txt": "Alpha one.\n\nApples grow on trees in orchards.\n",
      "b.txt": "Beta one. Beta two. Beta three.\n",
    });
    const { service } = await open();
    const more = await service.answer("Tell me more", { topic: "Where do apples grow?", quoted: [] });
    expect(more.citations.map((c) => [c.source.split("/").pop(), c.lineStart])).toEqual([
      ["a.txt", 1],
      ["a.txt", 3],
    ]);
  });

  it("ignores a topic that is not a usable question", async () => {
    const { open } = await setup();
    const { service } = await open();
    expect(await service.answer("What is his role?", { topic: "   ", quoted: [] })).toEqual(
      await service.answer("What is his role?"),
    );
    expect(await service.answer("What is his role?", { topic: "x".repeat(5_000), quoted: [] })).toEqual(
      await service.answer("What is his role?"),
    );
  });

  it("answers a request for a summary with the file's opening and central sentences, cited in document order, and one about a subject with what the sources say about it", async () => {
    const { open } = await setup();
    const { service } = await open();
    for (const request of [
      "Summarize the article",
      "tl;dr",
      "What is this article about?",
      "Give me a summary of the trade talks",
    ]) {
      const summary = await service.answer(request);
      expect(summary).toMatchObject({ kind: "summary", question: request, answered: true, related: [] });
      expect(kindFields(summary).summaryOf).toEqual([expect.stringMatching(/corpus\/trade\.txt$/)]);
      const lines = summary.citations.map((c) => c.lineStart);
      expect(lines[0]).toBe(1);
      expect(lines).toHaveLength(SUMMARY_SENTENCES);
      expect([...lines].sort((a, b) => a - b)).toEqual(lines);
      expect(new Set(lines).size).toBe(lines.length);
      expect(summary.text).toBe(summary.citations.map((c) => `${c.text} [${c.n}]`).join(" "));
    }
    // In a conversation, "What is this about?" asks about what came before.
    expect(kindFields(await service.answer("What is this about?")).summaryOf).toHaveLength(1);
    const inThread = await service.answer("What is this about?", { topic: "What is the fentanyl tariff?", quoted: [] });
    expect(inThread).toMatchObject({ followUpTo: "What is the fentanyl tariff?" });
    expect(kindFields(inThread).summaryOf).toBeUndefined();
    // A request about something that is not a file: what the sources say about it, in document order.
    const focused = await service.answer("Summarize the fentanyl tariff");
    expect(kindFields(focused).summaryOf).toBeUndefined();
    expect(kindFields(focused).summaryAbout).toBe("fentanyl tariff");
    const lines = focused.citations.map((c) => c.lineStart);
    expect(lines).toContain(14);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(SUMMARY_SENTENCES);
    // About something the sources barely mention: an ordinary answer (here "not found").
    const barely = await service.answer("Summarize the weather in Geneva");
    expect(kindFields(barely).summaryAbout).toBeUndefined();
  });

  it("summarizes the file a request names, or says how each file begins", async () => {
    const { open } = await setup({
      "trade.txt": ARTICLE,
      "fruit-guide.md": "# Fruit guide\n\nPears ripen in September. Apples keep for months in a cold store.\n",
      "veg.txt": "Carrots grow underground.\n",
    });
    const { service } = await open();
    const overview = await service.answer("Summarize the docs");
    expect(kindFields(overview).summaryOf?.map((s) => s.split("/").pop())).toEqual([
      "fruit-guide.md",
      "trade.txt",
      "veg.txt",
    ]);
    expect(kindFields(overview).corpusFiles).toBe(3);
    // How each file begins: its first sentence that is not a heading.
    expect(overview.citations.map((c) => [c.source.split("/").pop(), c.lineStart])).toEqual([
      ["fruit-guide.md", 3],
      ["trade.txt", 1],
      ["veg.txt", 1],
    ]);
    const fruit = await service.answer("Could you summarize the fruit guide?");
    expect(kindFields(fruit).summaryOf?.map((s) => s.split("/").pop())).toEqual(["fruit-guide.md"]);
    expect(fruit.citations.map((c) => c.text)).toEqual([
      "Pears ripen in September.",
      "Apples keep for months in a cold store.",
    ]);
  });

  it("answers with the section under a Markdown heading when the heading is the best match", async () => {
    const { open } = await setup({
      "handbook.md":
        "# Handbook\n\n## Installation\n\nRun npm ci in the project folder. It needs Node 20.\n\n## Usage\n\nRun npm start to launch the bot.\n",
    });
    const { service } = await open();
    const answer = await service.answer("Installation?");
    expect(answer.citations.map((c) => c.text)).toEqual([
      "Installation",
      "Run npm ci in the project folder.",
      "It needs Node 20.",
    ]);
  });

  it.each([
    [
      "a question line",
      "Where is the VPN guide?\nIt lives in the IT wiki under Network.\n\nHow do I reset my password?\nGo to Settings and click Reset.\n",
      "Where is the VPN guide?",
      ["Where is the VPN guide?", "It lives in the IT wiki under Network."],
    ],
    [
      "a bold question line with the answer on the line under it",
      "# FAQ\n\n**Where is the VPN guide?**\nIt lives in the IT wiki under Network.\n\n**How do I reset my password?**\nGo to Settings and click Reset.\n",
      "How do I reset my password?",
      ["**How do I reset my password?**", "Go to Settings and click Reset."],
    ],
  ])(
    "answers an FAQ written as %s with what follows it, up to the next question",
    async (_name, faq, question, expected) => {
      const { open } = await setup({ "faq.md": faq });
      const { service } = await open();
      const answer = await service.answer(question);
      expect(answer.citations.map((c) => c.text)).toEqual(expected);
    },
  );

  it("answers a lead-in ending in a colon with what it introduces, a code block included", async () => {
    const { open } = await setup({
      "setup.md":
        "# Widget service\n\n## Setup\n\nTo install the widget service, run:\n\n```\nnpm ci\nnpm run migrate\n```\n\nThen start it with npm start.\n\n## Support\n\nAsk in the billing channel.\n",
    });
    const { service } = await open();
    const answer = await service.answer("How do I install the widget service?");
    expect(answer.citations.map((c) => c.text)).toEqual([
      "To install the widget service, run:",
      "npm ci\nnpm run migrate",
      "Then start it with npm start.",
    ]);
    // Under a heading, the section reads on through a lead-in into its code block.
    const section = await service.answer("Setup?");
    expect(section.citations.map((c) => c.text)).toEqual([
      "Setup",
      "To install the widget service, run:",
      "npm ci\nnpm run migrate",
      "Then start it with npm start.",
    ]);
  });

  it("answers a lead-in with every item of the list it introduces, short items included", async () => {
    const { open } = await setup({
      "onboarding.md":
        "# Onboarding\n\n## Accounts\n\nYou need three accounts on day one:\n\n- GitHub, for the code\n- PagerDuty\n- The AWS console\n\n## Laptop\n\nAsk IT for a laptop.\n",
    });
    const { service } = await open();
    const answer = await service.answer("Which accounts do I need on day one?");
    expect(answer.citations.map((c) => c.text)).toEqual([
      "You need three accounts on day one:",
      "GitHub, for the code",
      "PagerDuty",
      "The AWS console",
    ]);
  });

  it("leaves headings, lead-ins and code out of a file's summary", async () => {
    const { open } = await setup({
      "guide.md":
        "# Guide\n\nThe tool renders invoices.\n\nInstall it with:\n\n```\nnpm ci\n```\n\n| Flag | Meaning |\n\nIt runs on Node 20.\n",
    });
    const { service } = await open();
    const summary = await service.answer("Summarize the guide");
    expect(summary.citations.map((c) => c.text)).toEqual(["The tool renders invoices.", "It runs on Node 20."]);
  });

  it("finds a table row by its column names, and gives a table without a header none", async () => {
    const { open } = await setup({
      "release.md":
        "# Release\n\n| Step | Command | Owner |\n|---|---|---|\n| Tag | `git tag` | Captain |\n| Publish | `make publish` | Captain |\n\n| Lisbon | Porto |\n| Faro | Braga |\n",
    });
    const { service } = await open();
    // "command" is only in the header row.
    const publish = await service.answer("Which command publishes?");
    expect(publish.citations.map((c) => c.text)).toEqual([
      "| Step | Command | Owner |",
      "| Publish | `make publish` | Captain |",
    ]);
    const faro = await service.answer("Where is Faro?");
    expect(faro.citations.map((c) => c.text)).toEqual(["| Faro | Braga |"]);
  });

  it("cites a table row under its table's header row, and a header row with its rows", async () => {
    const { open } = await setup({
      "release.md":
        "# Release\n\n| Step | Command | Owner |\n|---|---|---|\n| Tag | `git tag` | Captain |\n| Publish | `make publish` | Captain |\n\n| Region | Rollout day |\n|---|---|\n| Europe | Tuesday |\n| Asia | Wednesday |\n\nRollouts pause in August.\n",
    });
    const { service } = await open();
    const publish = await service.answer("What is the publish command?");
    expect(publish.citations.map((c) => [c.text, c.context === true])).toEqual([
      ["| Step | Command | Owner |", true],
      ["| Publish | `make publish` | Captain |", false],
    ]);
    const asia = await service.answer("What is planned for Asia?");
    expect(asia.citations.map((c) => c.text)).toEqual(["| Region | Rollout day |", "| Asia | Wednesday |"]);
    // A header row that matches best leads into its own rows, and no further.
    const days = await service.answer("Which rollout day for each region?");
    expect(days.citations.map((c) => c.text)).toEqual([
      "| Region | Rollout day |",
      "| Europe | Tuesday |",
      "| Asia | Wednesday |",
    ]);
  });

  it("cites the next sentence when it supplies the number the question asks for", async () => {
    const { open } = await setup({
      "release.md":
        "# Release\n\n1. Freeze the main branch at noon.\n2. Run the full regression suite with make regression. It takes about two hours.\n3. Ask QA to sign off.\n",
    });
    const { service } = await open();
    const answer = await service.answer("How long does the regression suite take?");
    expect(answer.citations.map((c) => c.text)).toEqual([
      "Run the full regression suite with make regression.",
      "It takes about two hours.",
    ]);
  });

  it("summarizes an FAQ with each quoted answer under its question, and no question alone", async () => {
    const faq = [
      ["**How do I get access to production databases?**", "Request the read-only role in the access portal."],
      ["**Where are the architecture diagrams?**", "They live in the architecture folder of the monorepo."],
      ["**Who do I ask about billing alerts?**", "The billing team owns them; ask in the billing help channel."],
      ["**How do I book a meeting room?**", "Use the calendar and pick a room near your desk."],
    ];
    const { open } = await setup({ "faq.md": `# FAQ\n\n${faq.map((pair) => pair.join("\n")).join("\n\n")}\n` });
    const { service } = await open();
    const quoted = (await service.answer("Summarize the faq")).citations.map((c) => c.text);
    const answers = faq.filter(([, answer]) => quoted.includes(answer!));
    expect(answers.length).toBeGreaterThan(0);
    for (const [question, answer] of answers) expect(quoted[quoted.indexOf(answer!) - 1]).toBe(question);
    // ...and no question without its answer.
    for (const [question, answer] of faq)
      if (quoted.includes(question!)) expect(quoted[quoted.indexOf(question!) + 1]).toBe(answer);
  });

  it("cites a wrapped sentence with both of its lines", async () => {
    const { open } = await setup();
    const { service } = await open();
    const answer = await service.answer("What did Trump and Xi compare their nations to during the phone call?");
    expect(answer.citations.find((c) => c.text.includes("ships navigating"))).toMatchObject({
      lineStart: 7,
      lineEnd: 8,
    });
  });

  it("says plainly when the sources do not answer", async () => {
    const { open } = await setup();
    const { service } = await open();
    const answer = await service.answer("What is the best recipe for banana bread?");
    expect(answer).toMatchObject({ answered: false, citations: [] });
    expect(answer.related.length).toBeGreaterThan(0);
  });

  it("applies the configured abstention rule", async () => {
    const { corpusDir, indexDir } = await setup();
    const base = {
      corpusDir,
      indexDir,
      embeddingModel: "test-overlap",
      modelsDir: indexDir,
      allowModelDownload: false,
      maxAnswerSentences: 3,
    };
    const serve = (threshold: number) =>
      createAnswerService({
        config: { ...base, abstention: { denseWeight: 1, threshold, lowConfidenceBelow: threshold } },
        logger: new FakeLogger(),
        embeddings: new OverlapEmbeddings(),
      });
    const question = "Who heads the Chinese delegation?";
    expect((await (await serve(-1)).answer("What is the best recipe for banana bread?")).answered).toBe(true);
    expect((await (await serve(1)).answer(question)).answered).toBe(false);
    expect((await (await serve(0)).answer(question)).answered).toBe(true);
  });

  it("loads every .txt and .md file and cites the right one", async () => {
    const { open } = await setup({
      "trade.txt": ARTICLE,
      "notes/fruit.md": "# Orchard notes\n\nThe orchard grows apples and pears.\n\nPears ripen in September.",
      "ignored.json": '{"apples": "no"}',
    });
    const { service } = await open();
    expect(service.manifest.files.map((f) => path.basename(f.source))).toEqual(["fruit.md", "trade.txt"]);
    const answer = await service.answer("When do pears ripen in the orchard?");
    expect(answer.citations[0]).toMatchObject({ lineStart: 5, lineEnd: 5, text: "Pears ripen in September." });
    expect(answer.citations[0]!.source).toMatch(/notes\/fruit\.md$/);
  });

  it("refuses empty and over-long questions with typed errors", async () => {
    const { open } = await setup();
    const { service } = await open();
    await expect(service.answer("  \u200b ")).rejects.toMatchObject({ code: ErrorCode.QuestionEmpty });
    await expect(service.answer("x".repeat(2001))).rejects.toMatchObject({ code: ErrorCode.QuestionTooLong });
  });

  it("builds the index once and reuses it while the corpus and model are unchanged", async () => {
    const { open } = await setup();
    const first = await open();
    expect(first.logger.messages(LogLevel.INFO).some((m) => m.includes("building it"))).toBe(true);
    const second = await open();
    expect(second.embeddings.calls).toBe(0);
    expect(second.logger.lines).toEqual([]);
  });

  it("updates the index in place when a file is added, saying why in one line", async () => {
    const { open, corpusDir } = await setup();
    await open();
    await writeFile(path.join(corpusDir, "extra.txt"), "Apples grow on trees.");
    const { logger, service, embeddings } = await open();
    expect(logger.messages(LogLevel.INFO)).toContainEqual(
      "index/ is out of date (the corpus changed: 1 file added); updating it.",
    );
    expect(embeddings.embedded).toBe(1);
    expect((await service.answer("Where do apples grow?")).citations[0]!.text).toBe("Apples grow on trees.");
  });

  it("replaces a changed file's sentences and forgets a removed file's, across restarts", async () => {
    const { open, corpusDir } = await setup({
      "trade.txt": ARTICLE,
      "fruit.txt": "Pears ripen in September.",
      "veg.txt": "Carrots grow underground.",
    });
    await open();
    await writeFile(path.join(corpusDir, "fruit.txt"), "Pears ripen in October.");
    const { rm } = await import("node:fs/promises");
    await rm(path.join(corpusDir, "veg.txt"));
    const updated = await open();
    expect(updated.logger.messages(LogLevel.INFO)).toContainEqual(
      "index/ is out of date (the corpus changed: 2 files: 1 edited, 1 removed); updating it.",
    );
    expect(updated.service.manifest).toMatchObject({ sentenceCount: 27, labelCount: 29 });
    const check = async (service: typeof updated.service) => {
      const pears = await service.answer("When do pears ripen?");
      expect(pears.citations[0]!.text).toBe("Pears ripen in October.");
      expect(JSON.stringify(pears)).not.toContain("September");
      expect(JSON.stringify(await service.answer("Where do carrots grow?"))).not.toContain("Carrots");
      expect((await service.answer("Who heads the Chinese delegation?")).citations[0]!.lineStart).toBe(11);
    };
    await check(updated.service);
    const reopened = await open();
    expect(reopened.logger.lines).toEqual([]);
    await check(reopened.service);
  });

  it("still cites the right context after an incremental update re-added the file", async () => {
    const files = {
      "notes.txt": "Alpha beta gamma.\nThese notes are about greek letters.",
      "trade.txt": ARTICLE,
      "zeta.txt": "Zeta comes late.",
    };
    const { open, corpusDir } = await setup(files);
    await open();
    // Changing notes.txt re-adds its sentences after every other file's: ids are no longer in file order overall.
    await writeFile(path.join(corpusDir, "notes.txt"), "Alpha beta gamma delta.\nThese notes are about greek letters.");
    const { service, logger } = await open();
    expect(logger.messages(LogLevel.INFO)).toContainEqual(
      "index/ is out of date (the corpus changed: 1 file edited); updating it.",
    );
    const notes = await service.answer("What are the notes about greek letters?");
    expect(notes.citations.map((c) => [c.text, c.context ?? false])).toEqual([
      ["Alpha beta gamma delta.", true],
      ["These notes are about greek letters.", false],
    ]);
    const trade = await service.answer("Which follow-up meeting was held in Geneva in May on tariff reductions?");
    expect(trade.citations.map((c) => [c.lineStart, c.context ?? false])).toEqual([
      [2, true],
      [3, false],
    ]);
  });

  it("compacts with a full rebuild when most of the index would be removed sentences", async () => {
    const { open, corpusDir } = await setup({ "trade.txt": ARTICLE, "fruit.txt": "Pears ripen in September." });
    await open();
    const { rm } = await import("node:fs/promises");
    await rm(path.join(corpusDir, "trade.txt"));
    const { logger, service } = await open();
    expect(logger.messages(LogLevel.INFO)).toContainEqual(expect.stringContaining("; rebuilding."));
    expect(service.manifest).toMatchObject({ sentenceCount: 1, labelCount: 1 });
  });

  it("takes vectors from the cache on a full rebuild, embedding only new sentences", async () => {
    const { open, corpusDir, indexDir } = await setup();
    const first = await open();
    expect(first.embeddings.embedded).toBe(26);
    await writeFile(path.join(corpusDir, "extra.txt"), "Apples grow on trees. Pears grow on trees too.");
    await writeFile(path.join(indexDir, "CURRENT"), "not a build\n"); // damaged: a full build, not an update
    const second = await open();
    expect(second.embeddings.embedded).toBe(2);
    expect(second.logger.messages(LogLevel.INFO)).toContainEqual(
      expect.stringContaining("(2 embedded, 26 from cache)"),
    );
    expect((await second.service.answer("Where do apples grow?")).citations[0]!.text).toBe("Apples grow on trees.");
  });

  it("--rebuild builds from scratch: every sentence is embedded again, the cache is not read", async () => {
    const { open } = await setup();
    await open();
    const rebuilt = await open(new OverlapEmbeddings(), true);
    expect(rebuilt.embeddings.embedded).toBe(26);
    expect(rebuilt.logger.messages(LogLevel.INFO)).toContainEqual(
      expect.stringContaining("(26 embedded, 0 from cache)"),
    );
  });

  it("never trusts cached vectors that fail their checksum: overwritten vectors and a truncated HNSW file still cite the right file", async () => {
    const other = "The orchard team meets on Tuesdays.\nPears ripen in September.\nApples are picked in October.";
    const { open, indexDir } = await setup({ "trade.txt": ARTICLE, "orchard.txt": other });
    const fresh = await open();
    const expected = await fresh.service.answer("Who heads the Chinese delegation?");
    expect(expected.citations[0]!.source).toMatch(/trade\.txt$/);
    // What the issue did by hand: random bytes over every vector (header kept), the HNSW file truncated.
    const cacheFile = path.join(indexDir, "cache", "test-overlap.vectors");
    const bytes = await readFile(cacheFile);
    const vectorsStart = 4 + bytes.readUInt32LE(0);
    const { randomFillSync } = await import("node:crypto");
    randomFillSync(bytes, vectorsStart);
    await writeFile(cacheFile, bytes);
    const build = (await readFile(path.join(indexDir, "CURRENT"), "utf8")).trim();
    const hnsw = path.join(indexDir, build, "hnswlib.index");
    await writeFile(hnsw, (await readFile(hnsw)).subarray(0, 64));

    const reopened = await open();
    const warnings = reopened.logger.messages(LogLevel.WARN);
    expect(warnings).toContainEqual(
      "index/cache/test-overlap.vectors: 29 cached vector(s) failed their checksum; embedding their sentences again.",
    );
    expect(reopened.embeddings.embedded).toBe(29);
    expect(await reopened.service.answer("Who heads the Chinese delegation?")).toEqual(expected);
    // The bad vectors were replaced on disk: the next damaged build reads good ones.
    await writeFile(path.join(indexDir, "CURRENT"), "not a build\n");
    const again = await open();
    expect(again.embeddings.embedded).toBe(0);
    expect(await again.service.answer("Who heads the Chinese delegation?")).toEqual(expected);
  });

  it("gives the same answers after any single file under index/ is damaged: overwritten, truncated or deleted", async () => {
    const { cp, readdir: list, stat: info } = await import("node:fs/promises");
    const other = "The orchard team meets on Tuesdays.\nPears ripen in September.\nApples are picked in October.";
    const { open, indexDir, root } = await setup({ "trade.txt": ARTICLE, "orchard.txt": other });
    const questions = ["Who heads the Chinese delegation?", "When do pears ripen?", "Where are the talks being held?"];
    const fresh = await open();
    const expected = await Promise.all(questions.map((q) => fresh.service.answer(q)));
    const pristine = path.join(root, "pristine");
    await cp(indexDir, pristine, { recursive: true });
    const files = (await list(pristine, { recursive: true })) as string[];
    const regular = [];
    for (const file of files) if ((await info(path.join(pristine, file))).isFile()) regular.push(file);
    expect(regular.length).toBeGreaterThanOrEqual(6); // CURRENT, four build files, the vector cache
    const damage: Array<[string, (bytes: Buffer) => Buffer | undefined]> = [
      [
        "overwritten",
        (bytes) =>
          Buffer.concat([
            bytes.subarray(0, bytes.length >> 2),
            Buffer.alloc(Math.max(1, bytes.length >> 2), 0x5a),
            bytes.subarray((bytes.length >> 2) * 2),
          ]),
      ],
      ["truncated", (bytes) => bytes.subarray(0, bytes.length >> 1)],
      ["deleted", () => undefined],
    ];
    for (const file of regular) {
      for (const [how, change] of damage) {
        await rm(indexDir, { recursive: true, force: true });
        await cp(pristine, indexDir, { recursive: true });
        const target = path.join(indexDir, file);
        const changed = change(await readFile(target));
        if (changed) await writeFile(target, changed);
        else await rm(target);
        const { service } = await open();
        const answers = await Promise.all(questions.map((q) => service.answer(q)));
        expect(answers, `${file} ${how}`).toEqual(expected);
      }
    }
  });

  it("re-embeds only the block a flipped byte lands in, not the whole cache", async () => {
    const many = Array.from({ length: 600 }, (_, i) => `Item ${i} of the stock list is a widget numbered w${i}.`).join(
      "\n",
    );
    const { open, indexDir } = await setup({ "stock.txt": many });
    await open();
    const cacheFile = path.join(indexDir, "cache", "test-overlap.vectors");
    const bytes = await readFile(cacheFile);
    bytes[bytes.length - 5]! ^= 0xff; // the last block: 600 - 2 * 256 = 88 vectors
    await writeFile(cacheFile, bytes);
    await writeFile(path.join(indexDir, "CURRENT"), "not a build\n");
    const reopened = await open();
    expect(reopened.embeddings.embedded).toBe(88);
    expect((await reopened.service.answer("Which item is widget w599?")).citations[0]!.text).toContain("w599");
  });

  it("re-embeds only the edited sentence of a changed file, and a later full rebuild finds the update's vectors", async () => {
    const { open, corpusDir, indexDir } = await setup({ "trade.txt": ARTICLE });
    await open();
    const edited = ARTICLE.replace("heads the delegation.", "heads the Chinese team.");
    expect(edited).not.toBe(ARTICLE);
    await writeFile(path.join(corpusDir, "trade.txt"), edited);
    const update = await open();
    expect(update.embeddings.embedded).toBe(1);
    expect(update.logger.messages(LogLevel.INFO)).toContainEqual(
      expect.stringContaining("(1 embedded, 25 from cache)"),
    );
    expect((await update.service.answer("Who heads the Chinese team?")).citations[0]!.text).toContain(
      "heads the Chinese team.",
    );

    await writeFile(path.join(indexDir, "CURRENT"), "not a build\n");
    const rebuilt = await open();
    expect(rebuilt.embeddings.embedded).toBe(0);
  });

  it("rebuilds when the embedding model changes", async () => {
    const { open } = await setup();
    await open();
    const { logger } = await open(new OverlapEmbeddings(128, "test-overlap-128"));
    expect(logger.messages(LogLevel.INFO)).toContainEqual(
      expect.stringContaining("built with embedding model test-overlap, not test-overlap-128"),
    );
  });

  it.each([
    ["another index format", { formatVersion: -1 }, "it was written by another version of CiteBot"],
    ["another sentence splitter", { splitterVersion: -1 }, "the sentence splitter has changed since it was built"],
  ])("rebuilds an index from %s, saying why in one line", async (_name, change, reason) => {
    const { open, indexDir } = await setup();
    await open();
    const manifestFile = path.join(
      indexDir,
      (await readFile(path.join(indexDir, "CURRENT"), "utf8")).trim(),
      "manifest.json",
    );
    await writeFile(manifestFile, JSON.stringify({ ...JSON.parse(await readFile(manifestFile, "utf8")), ...change }));
    const { logger, service } = await open();
    expect(logger.messages(LogLevel.INFO)).toContainEqual(
      expect.stringContaining(`is out of date (${reason}); rebuilding.`),
    );
    expect(logger.messages(LogLevel.WARN)).toEqual([]);
    expect((await service.answer("Who heads the Chinese delegation?")).answered).toBe(true);
  });

  it.each([
    [
      "a manifest without its counts",
      "manifest.json",
      (s: Buffer) => Buffer.from(JSON.stringify({ ...JSON.parse(s.toString()), sentenceCount: undefined })),
    ],
    ["a missing docstore", "docstore.json", undefined],
    ["a truncated manifest", "manifest.json", (s: Buffer) => s.subarray(0, 20)],
    [
      "a corrupted vector file",
      "hnswlib.index",
      (s: Buffer) => Buffer.concat([s.subarray(0, 100), Buffer.alloc(50, 7), s.subarray(150)]),
    ],
    ["a truncated docstore", "docstore.json", (s: Buffer) => s.subarray(0, s.length - 10)],
  ])("detects %s, reports it in one line and rebuilds", async (_name, file, damage) => {
    const { open, indexDir } = await setup();
    await open();
    const build = (await readFile(path.join(indexDir, "CURRENT"), "utf8")).trim();
    const target = path.join(indexDir, build, file);
    if (damage) await writeFile(target, damage(await readFile(target)));
    else await rm(target);
    const { logger, service } = await open();
    const warnings = logger.messages(LogLevel.WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/damaged .*INDEX_CORRUPT.*; rebuilding\.$/);
    expect(warnings[0]).not.toContain("\n");
    expect((await service.answer("Who heads the Chinese delegation?")).answered).toBe(true);
  });

  it("never reads an interrupted build and cleans it up on the next build", async () => {
    const { open, indexDir } = await setup();
    await open();
    await mkdir(path.join(indexDir, "build-interrupted.999999999.tmp"), { recursive: true });
    await writeFile(path.join(indexDir, "build-interrupted.999999999.tmp", "hnswlib.index"), "partial");
    const reused = await open();
    expect(reused.logger.lines).toEqual([]);
    await writeFile(path.join(indexDir, "CURRENT"), "not a build\n");
    await open();
    expect(await readdir(indexDir)).not.toContain("build-interrupted.999999999.tmp");
  });
});

/** Asks questions in one conversation, carrying its state from answer to answer as the chat and the bot do. */
function conversation(service: AnswerService) {
  let current: Conversation | undefined;
  return {
    ask: async (question: string) => {
      const reply = await service.answer(question, current);
      current = nextConversation(current, question, reply);
      return reply;
    },
    state: () => current,
  };
}
