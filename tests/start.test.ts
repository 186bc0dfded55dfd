import { spawnSync } from "node:child_process";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runTerminalChat, TERMINAL_BANNER } from "../src/chat/terminal.js";
import type { AnswerService } from "../src/answer/service.js";
import { CiteBotError, ErrorCode } from "../src/errors.js";

function start(env: Record<string, string>, input = "") {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SLACK_")));
  return spawnSync(process.execPath, ["--import", "tsx", path.resolve("src/main.ts")], { env: { ...clean, ...env }, input, encoding: "utf8" });
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
  it("says it is local in its first line, answers questions, and reports errors without stopping", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const service: AnswerService = {
      manifest: {} as AnswerService["manifest"],
      answer: async (q) => {
        if (q === "boom") throw new CiteBotError(ErrorCode.QuestionTooLong, "The question is too long.");
        return { question: q, answered: true, text: `About ${q}. [1]`, citations: [{ n: 1, text: `About ${q}.`, source: "corpus/a.txt", lineStart: 2, lineEnd: 2, score: 1 }], related: [] };
      },
    };
    const done = runTerminalChat(Promise.resolve(service), input, output);
    input.end("tariffs\nboom\nexit\nignored\n");
    await done;
    expect(printed.split("\n")[0]).toBe(TERMINAL_BANNER);
    expect(TERMINAL_BANNER).toContain("README.md");
    expect(printed).toContain('About tariffs. [1]\n\nSources:\n[1] corpus/a.txt:2  "About tariffs."');
    expect(printed).toContain("The question is too long.");
    expect(printed).not.toContain("ignored");
  });
});
