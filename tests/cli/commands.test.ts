import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { SMALL_TALK_TEXT } from "../../src/answer/handlers/small-talk.js";
import { describe, expect, it } from "vitest";
import { fitFileOf, serializeModelFit } from "../../src/answer/model-fit.js";
import { INDEX_USAGE } from "../../src/cli/args.js";
import { LEARNED_WEIGHTS } from "../../src/retrieval/fusion.js";
import { tempDir, writeFiles } from "../helpers/temp.js";

/** Runs the real CLI (real default model, offline) the way `npm run --silent ask` does. */
function ask(args: string[], indexDir: string, input?: string | Buffer) {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.resolve("src/cli/ask.ts"), ...args], {
    env: { ...process.env, INDEX_DIR: indexDir, CORPUS_DIR: path.resolve("corpus"), LOG_LEVEL: "info" },
    input,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the README's examples, produced by the code", () => {
  it("the quick start prints exactly what the README shows, and --json gives the README's JSON answer", async () => {
    const readme = await readFile("README.md", "utf8");
    const command = /npm ci && npm run ask -- "([^"]+)"/.exec(readme);
    expect(command).not.toBeNull();
    const shown = /prints after npm's own lines[^\n]*:\n\n```\n([^]*?)```/.exec(readme)![1]!;
    const indexDir = path.join(await tempDir(), "index");
    const text = ask([command![1]!], indexDir);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(shown);
    const json = /```json\n([^]*?)```/.exec(readme)![1]!;
    const contract = /`npm run --silent ask -- --json "([^"]+)"` prints/.exec(readme)![1]!;
    expect(JSON.parse(ask(["--json", contract], indexDir).stdout)).toEqual(JSON.parse(json));
  });
});

describe("ask CLI", () => {
  it("prints exactly one JSON object with the contract's fields, logs on stderr only", async () => {
    const indexDir = path.join(await tempDir(), "index");
    const { code, stdout, stderr } = ask(["--json", "Who leads the Chinese delegation?"], indexDir);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ question: "Who leads the Chinese delegation?", answered: true });
    expect(answer.text).toMatch(/\[1\]/);
    expect(answer.citations[0]).toMatchObject({
      n: 1,
      source: "corpus/us-china-trade-talks-london.txt",
      lineStart: 11,
      lineEnd: 11,
    });
    expect(typeof answer.citations[0].score).toBe("number");
    expect(stderr).toContain("building it");
  });

  it("answers one JSON line per input line, in order, with an error object for a bad line (empty, not UTF-8, huge) and a summary for a summary request", async () => {
    const indexDir = path.join(await tempDir(), "index");
    const latin1 = Buffer.from("Qui m\xe8ne la d\xe9l\xe9gation?", "latin1");
    const input = Buffer.concat([
      Buffer.from(
        ["Who leads the Chinese delegation?", "", "What is the best recipe for banana bread?", "tl;dr", ""].join("\n"),
      ),
      latin1,
      Buffer.from(`\n${"why ".repeat(50_000)}\nthanks!`),
    ]);
    const { code, stdout } = ask(["--jsonl"], indexDir, input);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatchObject({ question: "Who leads the Chinese delegation?", answered: true });
    expect(lines[1]).toMatchObject({ answered: false, error: { code: "QUESTION_EMPTY" } });
    expect(lines[2]).toMatchObject({ answered: false, citations: [] });
    expect(lines[3]).toMatchObject({
      kind: "summary",
      question: "tl;dr",
      answered: true,
      summaryOf: ["corpus/us-china-trade-talks-london.txt"],
    });
    expect(lines[3].citations[0]).toMatchObject({ n: 1, lineStart: 1 });
    expect(lines[4]).toMatchObject({
      question: "Qui m\ufffdne la d\ufffdl\ufffdgation?",
      answered: false,
      error: { code: "QUESTION_NOT_TEXT" },
    });
    expect(lines[4].error.message).toMatch(/^Line 5 is not UTF-8 text/);
    expect(lines[5]).toMatchObject({
      answered: false,
      error: {
        code: "QUESTION_TOO_LONG",
        message: expect.stringMatching(/^Line 6 is over \d+ bytes long; a question is at most 2000 characters/),
      },
    });
    // Small talk is answered in kind, with nothing searched.
    expect(lines[6]).toEqual({
      kind: "small-talk",
      question: "thanks!",
      answered: false,
      text: SMALL_TALK_TEXT.thanks,
      citations: [],
      related: [],
      talk: "thanks",
    });
  });

  it("prints readable sources and exits 2 with one line for an empty question", async () => {
    const indexDir = path.join(await tempDir(), "index");
    const text = ask(["Who", "leads", "the", "Chinese", "delegation?"], indexDir);
    expect(text.stdout).toMatch(/\[1\] corpus\/us-china-trade-talks-london\.txt:11 {2}"On the Chinese side/);
    const empty = ask([""], indexDir);
    expect(empty.code).toBe(2);
    expect(empty.stdout).toBe("");
    expect(empty.stderr.split("\n")[0]).toBe("The question is empty; pass it in quotes.");
  });

  it("with --json, still prints one JSON object when there is no answer: an empty or too long question (exit 2), a broken corpus (exit 1), invalid configuration (exit 2)", async () => {
    const indexDir = path.join(await tempDir(), "index");
    const empty = ask(["--json", ""], indexDir);
    expect(empty.code).toBe(2);
    expect(JSON.parse(empty.stdout)).toEqual({
      question: "",
      answered: false,
      error: { code: "QUESTION_EMPTY", message: "The question is empty; pass it in quotes." },
    });
    expect(empty.stderr.split("\n")[0]).toBe("The question is empty; pass it in quotes.");

    const long = ask(["--json", "why ".repeat(600)], indexDir);
    expect(long.code).toBe(2);
    expect(long.stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(long.stdout)).toMatchObject({
      answered: false,
      error: { code: "QUESTION_TOO_LONG", message: expect.stringContaining("2000") },
    });
    expect(JSON.parse(long.stdout).question).toHaveLength(200);
    expect(existsSync(indexDir)).toBe(false); // refused before any index was built for it

    const corpus = await tempDir();
    await writeFile(path.join(corpus, "broken.txt"), Buffer.from([0x00, 0x01, 0x02, 0x41]));
    const broken = spawnSync(
      process.execPath,
      ["--import", "tsx", path.resolve("src/cli/ask.ts"), "--json", "Who leads?"],
      {
        env: { ...process.env, INDEX_DIR: indexDir, CORPUS_DIR: corpus, LOG_LEVEL: "info" },
        encoding: "utf8",
      },
    );
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({
      question: "Who leads?",
      answered: false,
      error: { code: "CORPUS_BINARY", message: expect.stringContaining("broken.txt") },
    });
    expect(broken.stderr).toContain("CORPUS_BINARY");
    // Small talk needs no index: answered even over the broken corpus, and nothing is built for it.
    const help = spawnSync(process.execPath, ["--import", "tsx", path.resolve("src/cli/ask.ts"), "--json", "help"], {
      env: { ...process.env, INDEX_DIR: `${indexDir}-help`, CORPUS_DIR: corpus, LOG_LEVEL: "info" },
      encoding: "utf8",
    });
    expect(help.status).toBe(0);
    expect(JSON.parse(help.stdout)).toMatchObject({ kind: "small-talk", talk: "help", text: SMALL_TALK_TEXT.help });
    expect(existsSync(`${indexDir}-help`)).toBe(false);

    const misconfigured = spawnSync(
      process.execPath,
      ["--import", "tsx", path.resolve("src/cli/ask.ts"), "--json", "Who leads?"],
      {
        env: { ...process.env, INDEX_DIR: indexDir, CORPUS_DIR: path.resolve("corpus"), LOG_LEVEL: "loud" },
        encoding: "utf8",
      },
    );
    expect(misconfigured.status).toBe(2);
    expect(JSON.parse(misconfigured.stdout)).toMatchObject({
      answered: false,
      error: { code: "CONFIG_INVALID", message: expect.stringContaining("LOG_LEVEL") },
    });
  });
});

describe("ask with another embedding model and its fit", () => {
  /** The committed 16-dimensional test model, copied so that a fit can be written beside it. */
  async function tinyModel(fit?: string) {
    const root = await tempDir();
    const modelsDir = path.join(root, "models");
    await cp(path.resolve("tests/fixtures/models"), modelsDir, { recursive: true });
    if (fit !== undefined) await writeFile(fitFileOf(modelsDir, "citebot/tiny-bert"), fit);
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", path.resolve("src/cli/ask.ts"), "--json", "Who leads the Chinese delegation?"],
      {
        env: {
          ...process.env,
          INDEX_DIR: path.join(root, "index"),
          CORPUS_DIR: path.resolve("corpus"),
          EMBEDDING_MODEL: "citebot/tiny-bert",
          MODELS_DIR: modelsDir,
          ALLOW_MODEL_DOWNLOAD: "false",
          LOG_LEVEL: "info",
        },
        encoding: "utf8",
      },
    );
    return {
      code: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
      file: fitFileOf(modelsDir, "citebot/tiny-bert"),
    };
  }
  const fit = (threshold: number) =>
    serializeModelFit(
      {
        modelId: "citebot/tiny-bert",
        dimensions: 16,
        queryWeights: undefined,
        fusionWeights: [...LEARNED_WEIGHTS],
        abstention: { denseWeight: 1, threshold, lowConfidenceBelow: threshold },
      },
      "test",
    );

  it("warns that a model without a fit ranks with use-lite's weights, and says how to fit it", async () => {
    const { code, stderr } = await tinyModel();
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /No fit for citebot\/tiny-bert: .*run EMBEDDING_MODEL=citebot\/tiny-bert npm run eval -- --fit/,
    );
  });

  it("ranks and refuses with the fit written beside the model, and says so", async () => {
    const lenient = await tinyModel(fit(-1));
    expect(lenient.stderr).toContain(`Ranking with the fit for citebot/tiny-bert from ${lenient.file}.`);
    expect(lenient.stderr).not.toContain("No fit");
    expect(JSON.parse(lenient.stdout)).toMatchObject({ answered: true });
    // The same question refused: the threshold came from the file.
    expect(JSON.parse((await tinyModel(fit(0.999))).stdout)).toMatchObject({ answered: false });
  });

  it("exits 1 with one JSON error naming a broken fit file", async () => {
    const { code, stdout, file } = await tinyModel('{"modelId": "citebot/tiny-bert"}');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      answered: false,
      error: { code: "MODEL_FIT_INVALID", message: expect.stringContaining(`${file} has no valid "dimensions"`) },
    });
  });
});

describe("index command options", () => {
  const index = (args: string[], indexDir: string) => {
    const result = spawnSync(process.execPath, ["--import", "tsx", path.resolve("src/cli/build-index.ts"), ...args], {
      env: { ...process.env, INDEX_DIR: indexDir, CORPUS_DIR: path.resolve("corpus"), LOG_LEVEL: "info" },
      encoding: "utf8",
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it("refuses a misspelt option with the usage and exit code 2, before touching the index", async () => {
    const indexDir = path.join(await tempDir(), "index");
    const typo = index(["--rebuld"], indexDir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(`Unknown option --rebuld.\n${INDEX_USAGE}\n`);
    expect(existsSync(indexDir)).toBe(false);
    const help = index(["--help"], indexDir);
    expect([help.code, help.stdout]).toEqual([0, `${INDEX_USAGE}\n`]);
    const built = index(["--rebuild", "--strict"], indexDir);
    expect(built.code).toBe(0);
    expect(built.stdout.startsWith(`${indexDir}/ rebuilt from scratch: 26 sentences from 1 file(s)`)).toBe(true);
    expect(index([], indexDir).stdout.startsWith(`${indexDir}/ is current: 26 sentences from 1 file(s)`)).toBe(true);
  });

  it("indexes the rest when one file is not UTF-8, naming it; with --strict it still does, then exits 1", async () => {
    const root = await tempDir();
    const corpusDir = path.join(root, "corpus");
    await writeFiles(corpusDir, {
      "good.txt": "Pears ripen in September.",
      "latin1.txt": new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x2e]),
    });
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", path.resolve("src/cli/build-index.ts"), ...args], {
        env: { ...process.env, INDEX_DIR: path.join(root, "index"), CORPUS_DIR: corpusDir, LOG_LEVEL: "info" },
        encoding: "utf8",
      });
    const lenient = run([]);
    expect(lenient.status).toBe(0);
    expect(lenient.stderr).toContain(
      `Not indexed: ${corpusDir}/latin1.txt is not valid UTF-8; re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8).`,
    );
    expect(lenient.stdout).toMatch(/ built: 1 sentences from 1 file\(s\)/);
    const strict = run(["--strict"]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(/ is current: 1 sentences from 1 file\(s\)/);
    expect(strict.stderr).toMatch(
      /1 file\(s\) could not be indexed \(--strict\): .*latin1\.txt; see the warnings above\.\n$/,
    );
  });
});
