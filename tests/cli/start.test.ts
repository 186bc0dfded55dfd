import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runTerminalChat, TERMINAL_BANNER, TERMINAL_HELP, TERMINAL_THANKS } from "../../src/chat/terminal.js";
import type { AnswerService } from "../../src/answer/service.js";
import { CiteBotError, ErrorCode } from "../../src/errors.js";
import { eventually, FakeSlack } from "../../src/bench/fake-slack.js";

function start(env: Record<string, string>, input = "") {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SLACK_")));
  return spawnSync(process.execPath, ["--import", "tsx", path.resolve("src/main.ts")], {
    env: { ...clean, ...env },
    input,
    encoding: "utf8",
  });
}

describe("npm start", () => {
  it("exits 1 listing every missing variable when Slack is only partly configured", () => {
    const run = start({ SLACK_SIGNING_SECRET: "secret", SLACK_APP_TOKEN: "not-an-app-token" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("SLACK_BOT_TOKEN is missing");
    expect(run.stderr).toContain("SLACK_APP_TOKEN must start with xapp-");
    expect(run.stdout).toBe("");
  });
});

describe("terminal chat", () => {
  it("says it is local in its first line, answers questions, replies to help and thanks, and reports errors without stopping", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const service: AnswerService = {
      manifest: {} as AnswerService["manifest"],
      answer: async (q) => {
        if (q === "boom") throw new CiteBotError(ErrorCode.QuestionTooLong, "The question is too long.");
        return {
          kind: "answer",
          question: q,
          answered: true,
          text: `About ${q}. [1]`,
          citations: [{ n: 1, text: `About ${q}.`, source: "corpus/a.txt", lineStart: 2, lineEnd: 2, score: 1 }],
          related: [],
        };
      },
    };
    const done = runTerminalChat(Promise.resolve(service), input, output);
    input.end("tariffs\nhelp\nthanks!\nboom\nexit\nignored\n");
    await done;
    expect(printed).toContain(`> ${TERMINAL_HELP}\n\n> ${TERMINAL_THANKS}\n`);
    expect(printed).not.toContain("About help");
    expect(printed.split("\n")[0]).toBe(TERMINAL_BANNER);
    expect(TERMINAL_BANNER).toContain("README.md");
    expect(printed).toContain('About tariffs. [1]\n\nSources:\n[1] corpus/a.txt:2  "About tariffs."');
    expect(printed).toContain("The question is too long.");
    expect(printed).not.toContain("ignored");
  });

  it("replies to help and thanks while the documents are still loading", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const loading = new Promise<AnswerService>(() => {});
    const done = runTerminalChat(loading, input, output);
    input.end("help\nthanks!\nexit\n");
    await done;
    expect(printed).toContain(`> ${TERMINAL_HELP}\n\n> ${TERMINAL_THANKS}\n`);
  });

  it("reads follow-ups with the last self-contained question and shows it", async () => {
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const topics: Array<string | undefined> = [];
    const input = new PassThrough();
    const service: AnswerService = {
      manifest: {} as AnswerService["manifest"],
      answer: async (q, conversation) => {
        topics.push(conversation?.topic);
        const followUpTo = q.startsWith("What is his") ? conversation?.topic : undefined;
        return {
          kind: "answer",
          question: q,
          answered: true,
          text: "A. [1]",
          citations: [{ n: 1, text: "A.", source: "a.txt", lineStart: 1, lineEnd: 1, score: 1 }],
          related: [],
          ...(followUpTo ? { followUpTo } : {}),
        };
      },
    };
    const done = runTerminalChat(Promise.resolve(service), input, output);
    input.end("Who heads China's delegation?\nWhat is his role?\nWho is on the US team?\nexit\n");
    await done;
    expect(topics).toEqual([undefined, "Who heads China's delegation?", "Who heads China's delegation?"]);
    expect(printed).toContain('(Read as a follow-up to: "Who heads China\'s delegation?")\nA. [1]');
  });
});

describe("terminal chat in a terminal: line editing, history and log lines", () => {
  function chat(terminal: boolean) {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const asked: string[] = [];
    const service: AnswerService = {
      manifest: {} as AnswerService["manifest"],
      answer: async (q) => {
        asked.push(q);
        return {
          kind: "answer",
          question: q,
          answered: true,
          text: `About ${q}. [1]`,
          citations: [{ n: 1, text: `About ${q}.`, source: "a.txt", lineStart: 1, lineEnd: 1, score: 1 }],
          related: [],
        };
      },
    };
    let sink: ((line: string) => void) | undefined;
    const done = runTerminalChat(Promise.resolve(service), input, output, {
      terminal,
      log: { setSink: (s) => (sink = s) },
    });
    // A terminal sends each key as it is pressed: one write per key (readline reads a burst as pasted text).
    const type = async (keys: string, answers: number) => {
      // Key sequences start with ESC, a control character.
      // eslint-disable-next-line no-control-regex
      for (const key of keys.match(/\u001b\[[A-D]|[^]/g) ?? []) {
        input.write(key);
        await new Promise((r) => setTimeout(r, 2));
      }
      await eventually(() => asked.length >= answers, `answer ${answers}`);
    };
    return {
      input,
      printed: () => printed,
      asked,
      done,
      type,
      log: (line: string) => sink?.(line),
      sinkSet: () => sink !== undefined,
    };
  }

  it("sends Up + Enter as the last question again, and edits with the arrow keys; Ctrl-L is not typed into the question", async () => {
    const c = chat(true);
    await c.type("who leads\r", 1);
    await c.type("\u001b[A\r", 2); // Up, Enter
    await c.type("tarfs\u001b[D\u001b[Di\u001b[Cf\r", 3); // Left x2, "i", Right, "f": tar|fs -> tari|fs -> tarif|s -> tariff|s
    await c.type("\u000cwhat else\r", 4); // Ctrl-L clears the screen
    c.input.end("exit\r");
    await c.done;
    expect(c.asked).toEqual(["who leads", "who leads", "tariffs", "what else"]);
  });

  it("drops the escape sequences of keys from piped input instead of answering them", async () => {
    const c = chat(false);
    await c.type("who leads\n", 1);
    c.input.end("\u001b[A\n\u001b[D\u001b[Ctariffs\u001bOP\nexit\n");
    await c.done;
    expect(c.asked).toEqual(["who leads", "tariffs"]);
  });

  it("prints a log line above the prompt and redraws what was being typed", async () => {
    const c = chat(true);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      c.input.write("half a quest");
      await eventually(() => c.printed().includes("half a quest"), "the echo");
      const before = c.printed().length;
      c.log("[INFO] citebot: Corpus changed.\n");
      expect(stderr).toEqual(["[INFO] citebot: Corpus changed.\n"]);
      // The line is cleared before the log line, and the prompt comes back with the half-typed question.
      const after = c.printed().slice(before);
      // eslint-disable-next-line no-control-regex
      expect(after).toMatch(/\u001b\[2K|\u001b\[0?G|\r/);
      expect(after).toContain("> half a quest");
    } finally {
      process.stderr.write = write;
    }
    await c.type("ion\r", 1);
    expect(c.asked).toEqual(["half a question"]);
    c.input.end("exit\r");
    await c.done;
    expect(c.sinkSet()).toBe(false); // the logger writes to stderr again once the chat is over
  });
});

describe("npm start with Slack configured", () => {
  it("logs a promise rejected outside any handler and keeps serving instead of exiting", async () => {
    const fake = new FakeSlack();
    await fake.start();
    const indexDir = await mkdtemp(path.join(tmpdir(), "citebot-start-"));
    // Rejects a promise nobody handles once the bot listens, as a library might.
    const inject = `data:text/javascript,${encodeURIComponent(
      "const write = process.stderr.write.bind(process.stderr); let done = false;" +
        "process.stderr.write = (chunk, ...rest) => { if (!done && String(chunk).includes('Listening for Slack events')) { done = true; setTimeout(() => Promise.reject(new Error('injected failure')), 50); } return write(chunk, ...rest); };",
    )}`;
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SLACK_")));
    const child = spawn(process.execPath, ["--import", inject, "--import", "tsx", path.resolve("src/main.ts")], {
      env: {
        ...clean,
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: fake.apiUrl,
        PORT: "0",
        INDEX_DIR: indexDir,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let exited = false;
    child.on("exit", () => (exited = true));
    try {
      await eventually(
        () => {
          if (exited) throw new Error(`the bot exited:\n${stderr}`);
          return stderr.includes("Unexpected error outside any handler (still serving): injected failure");
        },
        "the logged rejection",
        2400,
      );
      const port = Number(/Listening for Slack events on port (\d+)/.exec(stderr)?.[1]);
      const health = await eventually(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          return res.status === 200 && res;
        },
        "a healthy bot after the rejection",
        2400,
      );
      expect(health.status).toBe(200);
      expect(exited).toBe(false);
    } finally {
      child.kill("SIGTERM");
      await fake.stop();
      await rm(indexDir, { recursive: true, force: true });
    }
  });
});
