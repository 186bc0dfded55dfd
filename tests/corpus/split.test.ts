import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { continuesTable, MAX_SENTENCE_CHARS, searchTextOf, splitSentences } from "../../src/corpus/split.js";
import { documentToSentence, sentenceToDocument } from "../../src/index/dense.js";

const ARTICLE = readFileSync(new URL("../../corpus/us-china-trade-talks-london.txt", import.meta.url), "utf8");

describe("splitSentences on the trade article", () => {
  const sentences = splitSentences(ARTICLE, "corpus/us-china-trade-talks-london.txt");

  it("yields exactly 26 sentences", () => {
    expect(sentences).toHaveLength(26);
  });

  it("keeps the sentence wrapped across lines 7-8 as one, cited as lines 7-8", () => {
    const wrapped = sentences.find((s) => s.text.includes("U.S. President Donald Trump"));
    expect(wrapped).toMatchObject({ lineStart: 7, lineEnd: 8 });
    expect(wrapped!.text).toMatch(/^A significant follow-up discussion .* economic relations\.$/);
  });

  it("splits '... back to the U.S. Instead, ...' into two sentences on line 24", () => {
    const line24 = sentences.filter((s) => s.lineStart === 24);
    expect(line24.map((s) => s.text.slice(-25))).toEqual(
      ["manufacturing back to the U.S.", "ntaining supply chains in Asia."].map((t) => t.slice(-25)),
    );
    expect(line24[1]!.text.startsWith("Instead, some firms")).toBe(true);
  });

  it("points every sentence at its exact source span", () => {
    for (const s of sentences) {
      expect(ARTICLE.slice(s.charStart, s.charEnd).replace(/\s+/g, " ")).toBe(s.text);
    }
  });

  it("does not split decimals", () => {
    expect(sentences.some((s) => s.text.includes("an 8.1% decline"))).toBe(true);
    expect(sentences.some((s) => s.text.endsWith("fell by 33.57%."))).toBe(true);
  });
});

const texts = (input: string, source = "doc.txt") => splitSentences(input, source).map((s) => s.text);

describe("splitSentences hard cases", () => {
  it.each([
    [
      "titles never end a sentence",
      "Mr. Smith met Dr. Jones at noon. They talked.",
      ["Mr. Smith met Dr. Jones at noon.", "They talked."],
    ],
    [
      "initials in names",
      "J. K. Rowling wrote it. John F. Kennedy read it.",
      ["J. K. Rowling wrote it.", "John F. Kennedy read it."],
    ],
    [
      "company suffix before a name",
      "Acme Inc. Chairman Bob spoke. The end came.",
      ["Acme Inc. Chairman Bob spoke.", "The end came."],
    ],
    [
      "company suffix ending a sentence",
      "He works at Acme Inc. The firm is small.",
      ["He works at Acme Inc.", "The firm is small."],
    ],
    [
      "initialism before a proper noun",
      "The U.S. Treasury agreed. It was late.",
      ["The U.S. Treasury agreed.", "It was late."],
    ],
    [
      "initialism ending a sentence",
      "Prices rose in the U.K. However, wages fell.",
      ["Prices rose in the U.K.", "However, wages fell."],
    ],
    [
      "e.g. and i.e. continue",
      "Use metals, e.g. Gold and silver, i.e. Precious ones. Done.",
      ["Use metals, e.g. Gold and silver, i.e. Precious ones.", "Done."],
    ],
    [
      "decimals and versions",
      "Growth was 3.5 percent in v2.1 of the plan. Next year too.",
      ["Growth was 3.5 percent in v2.1 of the plan.", "Next year too."],
    ],
    ["quotes close the sentence", 'He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]],
    [
      "question inside quotes continues in lower case",
      '"Why?" he asked. Nobody knew.',
      ['"Why?" he asked.', "Nobody knew."],
    ],
    ["exclamation and question marks", "Really?! Yes. Wow!", ["Really?!", "Yes.", "Wow!"]],
    ["ellipsis before a capital", "He waited... Then he left.", ["He waited...", "Then he left."]],
    [
      "sentence starting with a number",
      "Sales fell in 2019. 2020 was worse.",
      ["Sales fell in 2019.", "2020 was worse."],
    ],
    ["No. before a number", "See item No. 5 for details. Thanks.", ["See item No. 5 for details.", "Thanks."]],
    [
      "URLs and hyphenated initialisms",
      "Visit example.com for U.S.-China news. Bye.",
      ["Visit example.com for U.S.-China news.", "Bye."],
    ],
    [
      "blank lines separate paragraphs without punctuation",
      "A title\n\nThe body starts here.",
      ["A title", "The body starts here."],
    ],
    [
      "list items are separate",
      "Steps:\n- open the box\n- take it out\n1. first\n2) second",
      ["Steps:", "open the box", "take it out", "first", "second"],
    ],
    ["CRLF line endings", "One line.\r\nTwo lines\r\nwrapped here.\r\n", ["One line.", "Two lines wrapped here."]],
    ["empty and whitespace-only text", "   \n\n\t ", []],
    ["punctuation-only lines are dropped", "Text here.\n\n***\n\n---", ["Text here."]],
  ])("%s", (_name, input, expected) => {
    expect(texts(input)).toEqual(expected);
  });

  it.each([
    [
      "headings are their own sentences without the marker",
      "# Trade talks\nThe talks began. They ended.\n## Outcome ##\nNo deal.",
      ["Trade talks", "The talks began.", "They ended.", "Outcome", "No deal."],
    ],
    [
      "fenced code is one passage, not split",
      "Intro.\n\n```\nx = 1. y = 2.\n```\nAfter.",
      ["Intro.", "x = 1. y = 2.", "After."],
    ],
    [
      "fenced code keeps its lines and relative indentation",
      "Run:\n\n```sh\n    npm ci   \n\n\n\n      npm run migrate\n```\n",
      ["Run:", "npm ci\n\n  npm run migrate"],
    ],
    ["table rows, not the separator", "| a | b |\n|---|---|\n| 1 | 2 |", ["| a | b |", "| 1 | 2 |"]],
    ["block quotes lose the marker", "> Quoted text here.", ["Quoted text here."]],
    [
      "a sentence opening with a code span",
      "Weights ship with it (Apache-2.0). `index/` is rebuilt on start.",
      ["Weights ship with it (Apache-2.0).", "`index/` is rebuilt on start."],
    ],
    [
      "a sentence opening with emphasis",
      "It is fast. **Fair use** is enforced. _Note_ the limit.",
      ["It is fast.", "**Fair use** is enforced.", "_Note_ the limit."],
    ],
    [
      "a bold lead-in stays with its sentence",
      "**Fair use.** `RATE_LIMIT` per user.",
      ["**Fair use.** `RATE_LIMIT` per user."],
    ],
    [
      "a wholly bold first line stands apart from the lines after it",
      "**How do I get access?**\nRequest the role.\n\n__Accounts__\nYou need three.",
      ["**How do I get access?**", "Request the role.", "__Accounts__", "You need three."],
    ],
    [
      "a bold line inside a paragraph does not cut it",
      "A sentence that wraps\n**a bold line**\nin the middle.",
      ["A sentence that wraps **a bold line** in the middle."],
    ],
    [
      "a line that only opens and closes with bold is not wholly bold",
      "**Fair** and **square**\nit ends.",
      ["**Fair** and **square** it ends."],
    ],
    [
      "front matter is skipped, its title kept as a heading",
      '---\ntitle: "Release process"\nauthor: Jane\n---\n\nBody text.',
      ["Release process", "Body text."],
    ],
    ["front matter without a title", "---\nauthor: Jane\n...\nBody text.", ["Body text."]],
    ["an unclosed front matter is text", "---\nno closing\n\nText.", ["no closing", "Text."]],
    ["a rule later in the file does not open front matter", "Intro.\n\n---\n\ntitle: x\n\n---", ["Intro.", "title: x"]],
    [
      "HTML comments are not cited",
      "Before.\n\n<!-- note -->\n\n<!--\nhidden\n-->\nAfter. Text <!-- inline --> stays.",
      ["Before.", "After.", "Text <!-- inline --> stays."],
    ],
    ["a comment inside code is code", "```\n<!-- kept -->\n```", ["<!-- kept -->"]],
    // CommonMark: after backticks, an info string holding a backtick means the line is inline code.
    [
      "a line of inline code in triple backticks is text, not a fence",
      "Deploy with:\n\n```make deploy```\n\nIt takes ten minutes. Ask first.",
      ["Deploy with:", "```make deploy```", "It takes ten minutes.", "Ask first."],
    ],
    [
      "a fence with a language closes on a bare fence only",
      "```sh\nmake a\n```js\nmake b\n```\nAfter.",
      ["make a\n```js\nmake b", "After."],
    ],
    ["a longer fence holds a shorter one", "````md\n```\ninner\n```\n````\nAfter.", ["```\ninner\n```", "After."]],
    ["backticks do not close a tilde fence", "~~~\ncode\n```\nmore\n~~~\nAfter.", ["code\n```\nmore", "After."]],
    ["a tilde fence's info string may hold backticks", "~~~ info `x`\ncode\n~~~\nAfter.", ["code", "After."]],
  ])("markdown: %s", (_name, input, expected) => {
    expect(texts(input, "notes.md")).toEqual(expected);
  });

  it.each([
    [
      "'=' underline",
      "Release process\n===============\n\nReleases ship on Tuesdays.",
      [
        ["Release process", "heading"],
        ["Releases ship on Tuesdays.", undefined],
      ],
    ],
    [
      "'-' underline",
      "Before the release\n---\nFreeze main.",
      [
        ["Before the release", "heading"],
        ["Freeze main.", undefined],
      ],
    ],
    [
      "a rule after a blank line is no underline",
      "Some text.\n\n---\n\nMore text.",
      [
        ["Some text.", undefined],
        ["More text.", undefined],
      ],
    ],
    ["an underline under a list item is no underline", "- an item\n---", [["an item", "item"]]],
  ])("marks a setext heading (%s) and drops its underline", (_name, input, expected) => {
    expect(splitSentences(input, "a.md").map((s) => [s.text, s.kind])).toEqual(expected);
  });

  it.each([
    [
      "a numbered title alone above its paragraph",
      "POLICY\n\n1. Booking travel\n\nFlights are booked online.\n\n2. Meals\n\nMeals are paid.",
      [
        ["POLICY", undefined],
        ["Booking travel", "heading"],
        ["Flights are booked online.", undefined],
        ["Meals", "heading"],
        ["Meals are paid.", undefined],
      ],
    ],
    [
      "a list",
      "Fruit.\n\n1. Apples\n2. Pears\n\nThat is all.",
      [
        ["Fruit.", undefined],
        ["Apples", "item"],
        ["Pears", "item"],
        ["That is all.", undefined],
      ],
    ],
    [
      "a spaced list",
      "Fruit.\n\n- Apples\n\n- Pears\n\nThat is all.",
      [
        ["Fruit.", undefined],
        ["Apples", "item"],
        ["Pears", "item"],
        ["That is all.", undefined],
      ],
    ],
    [
      "one item after a lead-in",
      "Steps:\n\n1. Run it\n\nThen rest.",
      [
        ["Steps:", undefined],
        ["Run it", "item"],
        ["Then rest.", undefined],
      ],
    ],
    [
      "an item that is a sentence",
      "Intro.\n\n1. Run the tests first.\n\nThen rest.",
      [
        ["Intro.", undefined],
        ["Run the tests first.", "item"],
        ["Then rest.", undefined],
      ],
    ],
  ])("plain text: %s", (_name, input, expected) => {
    expect(splitSentences(input, "a.txt").map((s) => [s.text, s.kind])).toEqual(expected);
  });

  it("leaves a numbered line alone above a paragraph in Markdown a list item", () => {
    expect(
      splitSentences("Intro.\n\n1. Booking travel\n\nFlights are booked online.", "a.md").map((s) => s.kind),
    ).toEqual([undefined, "item", undefined]);
  });

  it("drops a plain-text title's underline of three or more", () => {
    expect(
      splitSentences("TRAVEL POLICY\n=============\n\nCosts are high\n--\nfor all.", "a.txt").map((s) => [
        s.text,
        s.kind,
      ]),
    ).toEqual([
      ["TRAVEL POLICY", "heading"],
      ["Costs are high -- for all.", undefined],
    ]);
  });

  it("marks what Markdown structure each passage came from, and nothing on prose", () => {
    const input =
      "# Setup\n\nYou need two accounts:\n\n- GitHub\n- PagerDuty\n\n| Name | Role |\n\n```\nmake bootstrap\n```\n";
    expect(splitSentences(input, "a.md").map((s) => [s.text, s.kind])).toEqual([
      ["Setup", "heading"],
      ["You need two accounts:", undefined],
      ["GitHub", "item"],
      ["PagerDuty", "item"],
      ["| Name | Role |", "row"],
      ["make bootstrap", "code"],
    ]);
    expect(splitSentences("A title line\n\nSome prose.", "a.txt").every((s) => s.kind === undefined)).toBe(true);
  });

  it("marks a table's first row as its header only when the separator line is right under it", () => {
    const kinds = (input: string) => splitSentences(input, "a.md").map((s) => [s.text, s.kind]);
    expect(kinds("| Step | Owner |\n|---|:---:|\n| Tag | Captain |\n| Build | CI |")).toEqual([
      ["| Step | Owner |", "header-row"],
      ["| Tag | Captain |", "row"],
      ["| Build | CI |", "row"],
    ]);
    expect(kinds("| Step | Owner |\r\n|---|---|\r\n| Tag | Captain |")).toEqual([
      ["| Step | Owner |", "header-row"],
      ["| Tag | Captain |", "row"],
    ]);
    expect(kinds("| Tag | Captain |\n\n|---|---|")).toEqual([["| Tag | Captain |", "row"]]);
    expect(kinds("Prose line.\n|---|---|")).toEqual([["Prose line.", undefined]]);
  });

  it("cites a front-matter title at its own line and offsets", () => {
    const text = "---\r\ntitle: 'Release process'\r\n---\r\nBody.\r\n";
    const [title, body] = splitSentences(text, "a.md");
    expect(title).toMatchObject({ text: "Release process", kind: "heading", lineStart: 2, lineEnd: 2 });
    expect(text.slice(title!.charStart, title!.charEnd)).toBe("Release process");
    expect(body).toMatchObject({ text: "Body.", lineStart: 4 });
  });

  it.each([
    ["a body row right under another", { kind: "row", lineEnd: 4 }, { kind: "row", lineStart: 5 }, true],
    [
      "the first body row, past the separator line",
      { kind: "header-row", lineEnd: 3 },
      { kind: "row", lineStart: 5 },
      true,
    ],
    ["a row after a blank line", { kind: "row", lineEnd: 4 }, { kind: "row", lineStart: 6 }, false],
    [
      "a header row right over a row (no separator)",
      { kind: "header-row", lineEnd: 3 },
      { kind: "row", lineStart: 4 },
      false,
    ],
    ["a row under prose", { kind: undefined, lineEnd: 4 }, { kind: "row", lineStart: 5 }, false],
    ["a header row under a row", { kind: "row", lineEnd: 4 }, { kind: "header-row", lineStart: 5 }, false],
  ] as const)("continuesTable: %s -> %s", (_name, above, below, expected) => {
    expect(continuesTable(above, below)).toBe(expected);
  });

  it("names a table row's cells by its header row for retrieval, and only under its own header", () => {
    const input =
      "| Step | Command |\n|---|---|\n| Tag | `git tag` |\n| Publish | `make publish` |\n\n| a | b |\n| c | d |\n\n| X | Y |\n|---|---|\n| 1 | 2 | 3 |";
    expect(splitSentences(input, "a.md").map((s) => [s.text, s.searchText])).toEqual([
      ["| Step | Command |", undefined],
      ["| Tag | `git tag` |", "Step: Tag; Command: `git tag`"],
      ["| Publish | `make publish` |", "Step: Publish; Command: `make publish`"],
      ["| a | b |", undefined],
      ["| c | d |", undefined],
      ["| X | Y |", undefined],
      ["| 1 | 2 | 3 |", "| X | Y | | 1 | 2 | 3 |"],
    ]);
    expect(searchTextOf({ text: "Plain." })).toBe("Plain.");
  });

  it("keeps the kind through the index's documents", () => {
    for (const sentence of splitSentences(
      "# Title\n\n- an item\n\nProse.\n\n| A | B |\n|---|---|\n| 1 | 2 |",
      "a.md",
    )) {
      expect(documentToSentence(sentenceToDocument(sentence, 0))).toEqual(sentence);
    }
  });

  it("keeps line numbers and offsets for markdown headings", () => {
    const [heading, body] = splitSentences("# Title\nBody text.", "a.md");
    expect(heading).toMatchObject({ text: "Title", lineStart: 1, lineEnd: 1, charStart: 2, charEnd: 7 });
    expect(body).toMatchObject({ lineStart: 2, lineEnd: 2 });
  });

  it("cuts a run with no boundary into passages no longer than the limit, losing no text", () => {
    const input = Array.from({ length: 800 }, (_, i) => `word${i}`).join(" ");
    const parts = splitSentences(input, "long.txt");
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.text.length <= MAX_SENTENCE_CHARS)).toBe(true);
    expect(parts.map((p) => p.text).join(" ")).toBe(input);
  });
});

describe("splitSentences on random text", () => {
  // Seeded, so a failure names a text that reproduces it. The pieces are the hard cases above,
  // Markdown structure and odd whitespace, strung together at random.
  const PIECES = [
    "The",
    "U.S.",
    "Mr.",
    "Dr.",
    "Inc.",
    "e.g.",
    "8.1%",
    "33.57%",
    "J. R. R.",
    '"Quote."',
    "(aside.)",
    "word",
    "Instead,",
    "...",
    "!",
    "?",
    ".",
    "—",
    "*bold*",
    "**Bold line**",
    "`code`",
    "_em_",
    "é",
    "日本語。",
    "😀",
    "\t",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "# Heading",
    "Title\n===",
    "- item",
    "1. item",
    "| a | b |",
    "|---|---|",
    "> quote",
    "***",
    "<!-- c -->",
    "<!channel>",
    "&amp;",
    "\u00a0",
    "\u2028",
    "a.b.c",
    "No. 5",
    "etc.",
    "Jan. 3",
  ];
  const FENCES = ["```", "~~~", "```sh", "````"];

  function randomTexts(count: number, pieces: readonly string[], seed: number): string[] {
    let state = seed;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    return Array.from({ length: count }, () =>
      Array.from(
        { length: 1 + Math.floor(next() * 40) },
        () => pieces[Math.floor(next() * pieces.length)]! + (next() < 0.7 ? " " : ""),
      ).join(""),
    );
  }

  const lineAt = (text: string, offset: number) => text.slice(0, offset).split("\n").length;

  it.each(["notes.md", "notes.txt"])(
    "gives ordered, non-empty passages whose offsets and lines point at their text (%s)",
    (file) => {
      for (const text of randomTexts(1500, [...PIECES, ...FENCES], 7)) {
        let previousEnd = 0;
        for (const s of splitSentences(text, file)) {
          const where = `${JSON.stringify(text)}: ${JSON.stringify(s)}`;
          expect(s.charStart, where).toBeGreaterThanOrEqual(previousEnd);
          expect(s.charEnd, where).toBeGreaterThan(s.charStart);
          expect(s.text, where).toMatch(/[\p{L}\p{N}]/u);
          if (s.kind !== "code") expect(s.text, where).toBe(s.text.trim());
          expect(s.lineStart, where).toBe(lineAt(text, s.charStart));
          expect(s.lineEnd, where).toBe(lineAt(text, s.charEnd - 1));
          if (s.kind !== "code")
            expect(text.slice(s.charStart, s.charEnd).replace(/\s+/g, " "), where).toContain(s.text.split(" ")[0]);
          previousEnd = s.charEnd;
        }
      }
    },
  );

  it.each(["notes.md", "notes.txt"])(
    "leaves no letter or digit outside every passage, but for list numbers (%s)",
    (file) => {
      // Fences are left out: a fence's info string ("```sh") is not text, and is not cited.
      for (const text of randomTexts(1500, PIECES, 11)) {
        const covered = new Uint8Array(text.length);
        for (const s of splitSentences(text, file)) covered.fill(1, s.charStart, s.charEnd);
        for (const m of text.matchAll(/(?:^|\n)[ \t]*(\d{1,9})[.)](?=[ \t\r\n]|$)/g)) {
          const at = m.index + m[0].length - m[1]!.length - 1;
          covered.fill(1, at, at + m[1]!.length);
        }
        // An HTML comment in Markdown is not shown to readers, so it is not cited either.
        if (file.endsWith(".md"))
          for (const m of text.matchAll(/<!--.*?-->/g)) covered.fill(1, m.index, m.index + m[0].length);
        const lost =
          Array.from({ length: text.length }, (_, i) => i).find((i) => /[\p{L}\p{N}]/u.test(text[i]!) && !covered[i]) ??
          -1;
        expect(lost, `${JSON.stringify(text)} loses ${JSON.stringify(text.slice(lost - 10, lost + 10))}`).toBe(-1);
      }
    },
  );
});
