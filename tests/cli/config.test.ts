import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ABSTENTION } from "../../src/answer/compose.js";
import { normalizeQuestion } from "../../src/answer/question.js";
import {
  BENCH_OPTIONS,
  EVAL_OPTIONS,
  INDEX_OPTIONS,
  parseAskArgs,
  parseOptions,
  STRESS_OPTIONS,
} from "../../src/cli/args.js";
import { inputLines, MAX_LINE_BYTES, type InputLine } from "../../src/cli/lines.js";
import { formatProgress, progressBar, stderrProgress } from "../../src/cli/progress.js";
import { loadDotEnv, readEngineConfig, readSlackConfig } from "../../src/config.js";
import { ErrorCode } from "../../src/errors.js";
import { tempDir } from "../helpers/temp.js";

describe("readEngineConfig", () => {
  it("applies defaults relative to the working directory and freezes the result", () => {
    const config = readEngineConfig({}, "/srv/bot");
    expect(config).toMatchObject({
      corpusDir: "/srv/bot/corpus",
      indexRoot: "/srv/bot/index",
      embeddingModel: "use-lite",
      allowModelDownload: true,
      maxAnswerSentences: 3,
      logLevel: "info",
    });
    expect(config.indexDir).toMatch(/^\/srv\/bot\/index\/corpus-[0-9a-f]{8}$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("keeps one index per corpus by default, so switching CORPUS_DIR back and forth reuses each; INDEX_DIR pins one folder", () => {
    const first = readEngineConfig({}, "/srv/bot").indexDir;
    const other = readEngineConfig({ CORPUS_DIR: "/data/handbook" }, "/srv/bot").indexDir;
    const sameName = readEngineConfig({ CORPUS_DIR: "/elsewhere/corpus" }, "/srv/bot").indexDir;
    expect(other).toMatch(/^\/srv\/bot\/index\/handbook-[0-9a-f]{8}$/);
    expect(new Set([first, other, sameName]).size).toBe(3);
    expect(readEngineConfig({}, "/srv/bot").indexDir).toBe(first);
    expect(readEngineConfig({ CORPUS_DIR: "odd name/with spaces!" }, "/srv/bot").indexDir).toMatch(
      /\/index\/with_spaces_-[0-9a-f]{8}$/,
    );
    expect(readEngineConfig({ INDEX_DIR: "/var/lib/citebot" }, "/srv/bot")).toMatchObject({
      indexDir: "/var/lib/citebot",
      indexRoot: "/var/lib/citebot",
    });
  });

  it("reports every invalid variable at once, with how to fix it", () => {
    let message = "";
    try {
      readEngineConfig({ ANSWER_MAX_SENTENCES: "zero", ALLOW_MODEL_DOWNLOAD: "maybe", LOG_LEVEL: "loud" });
    } catch (error) {
      expect(error).toMatchObject({ code: ErrorCode.ConfigInvalid });
      message = (error as Error).message;
    }
    expect(message).toContain("3 problems");
    for (const name of ["ANSWER_MAX_SENTENCES", "ALLOW_MODEL_DOWNLOAD", "LOG_LEVEL", ".env.example"])
      expect(message).toContain(name);
  });

  it.each([
    [{}, undefined],
    [
      { ABSTENTION_THRESHOLD: "0.42", ABSTENTION_DENSE_WEIGHT: "2", LOW_CONFIDENCE_BELOW: "0.5" },
      { denseWeight: 2, threshold: 0.42, lowConfidenceBelow: 0.5 },
    ],
    // A threshold above the default weak-match bound leaves no weak-match band unless one is set.
    [
      { ABSTENTION_THRESHOLD: "0.42", ABSTENTION_DENSE_WEIGHT: "2" },
      { denseWeight: 2, threshold: 0.42, lowConfidenceBelow: 0.42 },
    ],
    [
      { ABSTENTION_THRESHOLD: "-0.5" },
      { denseWeight: ABSTENTION.denseWeight, threshold: -0.5, lowConfidenceBelow: ABSTENTION.lowConfidenceBelow },
    ],
    [
      { ABSTENTION_DENSE_WEIGHT: " 0 " },
      { denseWeight: 0, threshold: ABSTENTION.threshold, lowConfidenceBelow: ABSTENTION.lowConfidenceBelow },
    ],
    [
      { LOW_CONFIDENCE_BELOW: "0.35" },
      { denseWeight: ABSTENTION.denseWeight, threshold: ABSTENTION.threshold, lowConfidenceBelow: 0.35 },
    ],
  ])("reads the abstention rule from %o", (env, expected) => {
    expect(readEngineConfig(env).abstention).toEqual(expected);
  });

  it.each([
    [{}, undefined, undefined],
    [{ ANSWERABILITY_WARN_BELOW: "0" }, 0, undefined],
    [{ ANSWERABILITY_WARN_BELOW: " 0.3 " }, 0.3, undefined],
    [{ ANSWERABILITY_WARN_BELOW: "1.5" }, undefined, /ANSWERABILITY_WARN_BELOW must be a number from 0 to 1/],
    [{ ANSWERABILITY_WARN_BELOW: "often" }, undefined, /ANSWERABILITY_WARN_BELOW must be a number from 0 to 1/],
  ])("reads ANSWERABILITY_WARN_BELOW from %o", (env, expected, problem) => {
    if (problem) expect(() => readEngineConfig(env)).toThrow(problem);
    else expect(readEngineConfig(env).answerabilityWarnBelow).toBe(expected);
  });

  it.each([
    [{ EMBEDDING_MODEL: "Xenova/e5-small-v2" }, { pooling: "mean" }],
    [
      {
        EMBEDDING_MODEL: "Xenova/e5-small-v2",
        EMBEDDING_QUERY_PREFIX: " query: ",
        EMBEDDING_DOCUMENT_PREFIX: "passage:",
      },
      { pooling: "mean", queryPrefix: "query:", documentPrefix: "passage:" },
    ],
    [{ EMBEDDING_MODEL: "Xenova/bge-small-en-v1.5", EMBEDDING_POOLING: "CLS" }, { pooling: "cls" }],
    [{}, {}],
  ])("reads how a model is run from %o", (env, expected) => {
    const config = readEngineConfig(env);
    expect(config.modelSettings).toEqual(expected);
    expect(Object.isFrozen(config.modelSettings)).toBe(true);
  });

  it.each([
    [
      { EMBEDDING_POOLING: "cls" },
      "EMBEDDING_POOLING applies to Hugging Face models only (EMBEDDING_MODEL is use-lite)",
    ],
    [{ EMBEDDING_QUERY_PREFIX: "query:" }, "EMBEDDING_QUERY_PREFIX applies to Hugging Face models only"],
    [{ EMBEDDING_MODEL: "x/y", EMBEDDING_POOLING: "max" }, "EMBEDDING_POOLING must be one of mean, cls"],
    [
      { EMBEDDING_MODEL: "x/y", EMBEDDING_DOCUMENT_PREFIX: "p".repeat(201) },
      "EMBEDDING_DOCUMENT_PREFIX must be at most 200 characters (got 201)",
    ],
    [{ ABSTENTION_THRESHOLD: "high" }, "ABSTENTION_THRESHOLD must be a number from -1 to 1"],
    [{ ABSTENTION_THRESHOLD: "1.5" }, "ABSTENTION_THRESHOLD must be a number from -1 to 1"],
    [{ ABSTENTION_DENSE_WEIGHT: "-1" }, "ABSTENTION_DENSE_WEIGHT must be a number from 0 to 100"],
    [{ ABSTENTION_DENSE_WEIGHT: "Infinity" }, "ABSTENTION_DENSE_WEIGHT must be a number from 0 to 100"],
    [
      { ABSTENTION_THRESHOLD: "0.5", LOW_CONFIDENCE_BELOW: "0.4" },
      "LOW_CONFIDENCE_BELOW must be at least ABSTENTION_THRESHOLD (0.5)",
    ],
  ])("rejects %o", (env, problem) => {
    expect(() => readEngineConfig(env)).toThrow(problem);
  });
});

describe("readSlackConfig", () => {
  it.each([
    [{}, "terminal"],
    [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }, "socket"],
    [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }, "http"],
  ])("%o selects %s mode", (env, kind) => {
    expect(readSlackConfig(env).mode.kind).toBe(kind);
  });

  it("lists every missing variable when only some are set", () => {
    const partial = () => readSlackConfig({ SLACK_SIGNING_SECRET: "s", PORT: "http" });
    expect(partial).toThrow(/2 problems/);
    expect(partial).toThrow(/SLACK_BOT_TOKEN is missing/);
    expect(partial).toThrow(/PORT must be a whole number/);
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_APP_TOKEN or SLACK_SIGNING_SECRET/);
  });

  const http = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" };
  it.each([
    [
      { ...http, RATE_LIMIT_PER_MINUTE: "-1" },
      'RATE_LIMIT_PER_MINUTE must be a whole number from 0 to 10000 (got "-1")',
    ],
    [
      { ...http, RATE_LIMIT_PER_MINUTE: "2.5" },
      'RATE_LIMIT_PER_MINUTE must be a whole number from 0 to 10000 (got "2.5")',
    ],
    [{ ...http, PORT: "70000" }, 'PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ ...http, SLACK_API_URL: "localhost:3000" }, 'SLACK_API_URL must be an http(s) URL (got "localhost:3000")'],
  ])("rejects %o", (env, problem) => {
    expect(() => readSlackConfig(env)).toThrow(problem);
  });
});

describe("loadDotEnv", () => {
  it("loads a .env file without overriding variables already set, and ignores a missing one", async () => {
    const dir = await tempDir();
    const file = path.join(dir, ".env");
    await writeFile(file, "CITEBOT_TEST_FROM_FILE=file\nCITEBOT_TEST_ALREADY_SET=file\n");
    process.env.CITEBOT_TEST_ALREADY_SET = "shell";
    try {
      loadDotEnv(file);
      expect([process.env.CITEBOT_TEST_FROM_FILE, process.env.CITEBOT_TEST_ALREADY_SET]).toEqual(["file", "shell"]);
      expect(() => loadDotEnv(path.join(dir, "missing.env"))).not.toThrow();
      // A .env that exists but cannot be read is a problem to report, not to skip.
      expect(() => loadDotEnv(dir)).toThrow();
    } finally {
      delete process.env.CITEBOT_TEST_FROM_FILE;
      delete process.env.CITEBOT_TEST_ALREADY_SET;
    }
  });
});

describe("parseAskArgs", () => {
  it.each([
    [["Who", "leads?"], { kind: "question", question: "Who leads?", json: false }],
    [["--json", "Who leads?"], { kind: "question", question: "Who leads?", json: true }],
    [["--", "--json is part of it"], { kind: "question", question: "--json is part of it", json: false }],
    [["--jsonl"], { kind: "jsonl" }],
    [["--help"], { kind: "help" }],
    [[], { kind: "usage-error", code: "QUESTION_EMPTY", json: false }],
    [["  "], { kind: "usage-error", code: "QUESTION_EMPTY" }],
    [["--json", ""], { kind: "usage-error", code: "QUESTION_EMPTY", json: true }],
    [["--jsonl", "q"], { kind: "usage-error" }],
    [["--verbose", "q"], { kind: "usage-error" }],
  ])("%o", (argv, expected) => {
    expect(parseAskArgs(argv)).toMatchObject(expected);
  });
});

describe("parseOptions (index, eval, bench, stress)", () => {
  const ok = (flags: string[], values: Record<string, unknown> = {}) => ({
    kind: "run",
    flags: new Set(flags),
    values,
  });
  it.each([
    ["index", INDEX_OPTIONS, [], ok([])],
    ["index", INDEX_OPTIONS, ["--rebuild"], ok(["--rebuild"])],
    ["index", INDEX_OPTIONS, ["--rebuld"], { kind: "usage-error", message: "Unknown option --rebuld." }],
    ["index", INDEX_OPTIONS, ["now"], { kind: "usage-error", message: 'Unexpected argument "now".' }],
    ["index", INDEX_OPTIONS, ["--rebuild", "-h"], { kind: "help" }],
    ["eval", EVAL_OPTIONS, ["--train", "--calibrate"], ok(["--train", "--calibrate"])],
    ["eval", EVAL_OPTIONS, ["--trian"], { kind: "usage-error", message: "Unknown option --trian." }],
    ["eval", EVAL_OPTIONS, ["--questions", "mine.tsv"], ok([], { "--questions": "mine.tsv" })],
    ["eval", EVAL_OPTIONS, ["--questions"], { kind: "usage-error", message: "--questions needs a value." }],
    [
      "eval",
      EVAL_OPTIONS,
      ["--questions", " "],
      { kind: "usage-error", message: '--questions must name a file (got " ").' },
    ],
    ["bench", BENCH_OPTIONS, ["--sizes", "1000,10000"], ok([], { "--sizes": [1_000, 10_000] })],
    [
      "bench",
      BENCH_OPTIONS,
      ["--sizes", "1000, 5000", "--build-sizes", "2000"],
      ok([], { "--sizes": [1_000, 5_000], "--build-sizes": [2_000] }),
    ],
    [
      "bench",
      BENCH_OPTIONS,
      ["--sizes", "1000,abc"],
      {
        kind: "usage-error",
        message: '--sizes must be whole numbers from 100 to 1,000,000, separated by commas (got "1000,abc").',
      },
    ],
    [
      "bench",
      BENCH_OPTIONS,
      ["--sizes", ""],
      {
        kind: "usage-error",
        message: '--sizes must be whole numbers from 100 to 1,000,000, separated by commas (got "").',
      },
    ],
    ["bench", BENCH_OPTIONS, ["--sizes"], { kind: "usage-error", message: "--sizes needs a value." }],
    [
      "bench",
      BENCH_OPTIONS,
      ["--sizes", "--build-sizes", "1000"],
      { kind: "usage-error", message: "--sizes needs a value." },
    ],
    ["stress", STRESS_OPTIONS, ["--soak", "2000"], ok([], { "--soak": 2_000 })],
    [
      "stress",
      STRESS_OPTIONS,
      ["--soak", "5"],
      { kind: "usage-error", message: '--soak must be one whole number from 100 to 1,000,000 (got "5").' },
    ],
    [
      "stress",
      STRESS_OPTIONS,
      ["--soak", "1000,2000"],
      { kind: "usage-error", message: '--soak must be one whole number from 100 to 1,000,000 (got "1000,2000").' },
    ],
  ])("%s %j", (_command, spec, argv, expected) => {
    expect(parseOptions(argv, spec)).toEqual(expected);
  });
});

describe("normalizeQuestion", () => {
  it.each([
    ["  Who\tleads\n the   talks? ", "Who leads the talks?"],
    ["Who\u200b leads\u0000?", "Who leads?"],
    ["ｆｕｌｌ width", "full width"],
  ])("%j -> %j", (input, expected) => {
    expect(normalizeQuestion(input)).toBe(expected);
  });

  it.each([[""], ["   "], ["\u200b\u200d"], ["\u0001\u0002"]])("refuses empty %j", (input) => {
    expect(() => normalizeQuestion(input)).toThrow(expect.objectContaining({ code: ErrorCode.QuestionEmpty }));
  });

  it("refuses questions over 2,000 characters with the limit in the message", () => {
    expect(() => normalizeQuestion("a ".repeat(1500))).toThrow(/limit is 2000/);
    expect(normalizeQuestion("a".repeat(2000))).toHaveLength(2000);
  });
});

describe("inputLines", () => {
  const bytes = (...values: number[]) => Buffer.from(values);
  const collect = async (chunks: Array<Buffer | string>) => {
    const lines: InputLine[] = [];
    for await (const line of inputLines(chunks)) lines.push(line);
    return lines;
  };
  const text = (value: string): InputLine => ({ text: value, isText: true });
  const notText = (value: string): InputLine => ({ text: value, isText: false });

  it.each<{ case: string; chunks: Array<Buffer | string>; lines: InputLine[] }>([
    { case: "no input", chunks: [], lines: [] },
    { case: "one line without a newline", chunks: ["who?"], lines: [text("who?")] },
    { case: "a trailing newline adds no line", chunks: ["who?\n"], lines: [text("who?")] },
    { case: "empty lines are kept, in order", chunks: ["a\n\nb\n"], lines: [text("a"), text(""), text("b")] },
    { case: "CRLF line ends", chunks: ["a\r\nb\r\n"], lines: [text("a"), text("b")] },
    {
      case: "a line split across chunks",
      chunks: ["wh", "o le", "ads?\nnext"],
      lines: [text("who leads?"), text("next")],
    },
    {
      case: "a character split across chunks",
      chunks: [bytes(0x63, 0x61, 0x66, 0xc3), bytes(0xa9, 0x3f, 0x0a)],
      lines: [text("café?")],
    },
    {
      case: "a Latin-1 line among UTF-8 ones",
      chunks: [Buffer.concat([Buffer.from("ok\ncaf"), bytes(0xe9), Buffer.from("?\nok\n")])],
      lines: [text("ok"), notText("caf\ufffd?"), text("ok")],
    },
    {
      case: "binary: NUL and control bytes are dropped from the echo",
      chunks: [bytes(0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x0a)],
      lines: [notText("ELF")],
    },
    { case: "valid UTF-8 holding a NUL", chunks: ["a\u0000b"], lines: [notText("ab")] },
    {
      case: "a line of exactly the byte limit",
      chunks: ["x".repeat(MAX_LINE_BYTES) + "\nok"],
      lines: [text("x".repeat(MAX_LINE_BYTES)), text("ok")],
    },
    {
      case: "a line past the byte limit, over several chunks, keeps only its start",
      chunks: ["y".repeat(MAX_LINE_BYTES), "y", "y".repeat(MAX_LINE_BYTES) + "\nok"],
      lines: [{ text: "y".repeat(200), isText: true, overLong: true }, text("ok")],
    },
  ])("$case", async ({ chunks, lines }) => {
    expect(await collect(chunks)).toEqual(lines);
  });
});

describe("formatProgress", () => {
  it("shows counts, rate and time left", () => {
    expect(formatProgress(500, 1000, 5000)).toBe("Embedding sentences: 500/1000 (50%), 100 sentences/s, 5 s left");
    expect(formatProgress(0, 1000, 0)).toBe("Embedding sentences: 0/1000 (0%)");
    // Timed from the first report: 8 done before the clock started, 400 more in 2 s.
    expect(formatProgress(408, 1000, 2000, 400)).toBe("Embedding sentences: 408/1000 (40%), 200 sentences/s, 3 s left");
    expect(formatProgress(8, 1000, 0, 0)).toBe("Embedding sentences: 8/1000 (0%)");
    expect(formatProgress(1000, 1000, 5000)).toBe("Embedding sentences: 1000/1000 (100%), 200 sentences/s");
  });

  it.each([
    [0, 100, "[....................]"],
    [50, 100, "[##########..........]"],
    [100, 100, "[####################]"],
    [5, 0, "[####################]"],
  ])("draws a bar for %i of %i", (done, total, bar) => {
    expect(progressBar(done, total)).toBe(bar);
  });
});

describe("stderrProgress", () => {
  afterEach(() => vi.restoreAllMocks());

  /** Reports `steps` ([done, at ms]) to a fresh progress reporter; returns what it wrote to stderr. */
  function run(
    tty: boolean,
    total: number,
    steps: ReadonlyArray<readonly [number, number]>,
    minTotal?: number,
  ): string[] {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation(
      (chunk: string | Uint8Array) => (written.push(String(chunk)), true),
    );
    const isTTY = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
    Object.defineProperty(process.stderr, "isTTY", { value: tty, configurable: true });
    let now = 0;
    vi.spyOn(performance, "now").mockImplementation(() => now);
    try {
      const report = stderrProgress(minTotal);
      // performance.now() counts from process start: the first report comes well after 0.
      for (const [done, at] of steps) {
        now = 60_000 + at;
        report(done, total);
      }
    } finally {
      if (isTTY) Object.defineProperty(process.stderr, "isTTY", isTTY);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
    return written;
  }

  it("stays quiet for a small job", () => {
    expect(
      run(false, 199, [
        [100, 0],
        [199, 5_000],
      ]),
    ).toEqual([]);
  });

  it("writes a plain line every 2 s in logs and CI, and always the last one, timed from the first report", () => {
    expect(
      run(false, 1_000, [
        [8, 0],
        [200, 1_000],
        [408, 2_000],
        [600, 3_000],
        [1_000, 3_500],
      ]),
    ).toEqual([
      "Embedding sentences: 8/1000 (0%)\n",
      "Embedding sentences: 408/1000 (40%), 200 sentences/s, 3 s left\n",
      "Embedding sentences: 1000/1000 (100%), 283 sentences/s\n",
    ]);
  });

  it("redraws one line in place on a terminal, at most every 100 ms, and ends it when done", () => {
    const written = run(true, 400, [
      [100, 0],
      [200, 50],
      [300, 150],
      [400, 160],
    ]);
    expect(written).toHaveLength(3);
    expect(written.every((line) => line.startsWith("\r["))).toBe(true);
    expect(written[1]).toContain("[###############.....] Embedding sentences: 300/400 (75%)");
    expect(written.map((line) => line.endsWith("\n"))).toEqual([false, false, true]);
  });
});

describe("documentation of configuration", () => {
  it("documents every variable the config reads in .env.example and the README", async () => {
    const source = await readFile(new URL("../../src/config.ts", import.meta.url), "utf8");
    const read = [...source.matchAll(/reader\.\w+\("([A-Z][A-Z0-9_]+)"/g)].map((m) => m[1]!);
    expect(read).toEqual(expect.arrayContaining(["CORPUS_DIR", "ABSTENTION_THRESHOLD", "SLACK_BOT_TOKEN"]));
    const envExample = await readFile(new URL("../../.env.example", import.meta.url), "utf8");
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    for (const name of read) {
      expect(envExample, name).toMatch(new RegExp(`^#? ?${name}=`, "m"));
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});
