import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { FeedbackLog } from "../../src/slack/feedback-log.js";
import { tempDir } from "../helpers/temp.js";

describe("feedback log durability", () => {
  it("keeps every acknowledged click intact through kill -9 during concurrent writes", async () => {
    const file = path.join(await tempDir(), "feedback.jsonl");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.resolve("tests/fixtures/feedback-writer.ts"), file, "20"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const acked = new Set<string>();
    const exited = new Promise((resolve) => child.on("exit", resolve));
    for await (const line of createInterface({ input: child.stdout! })) {
      acked.add(line.replace(/^ack /, ""));
      if (acked.size === 150) child.kill("SIGKILL");
    }
    await exited;
    expect(acked.size).toBeGreaterThanOrEqual(150);

    // A new writer after the crash must not glue its record onto a torn last line.
    await new FeedbackLog(file).append({
      timestamp: "t",
      vote: "not_helpful",
      answerId: "after-crash",
      question: null,
      answer: null,
      citations: [],
      user: "U2",
      channel: null,
    });
    const lines = (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as { answerId: string }];
      } catch {
        return [];
      }
    });
    const stored = new Set(parsed.map((r) => r.answerId));
    for (const id of acked) expect(stored.has(id), `acknowledged ${id} is in the log`).toBe(true);
    expect(stored.has("after-crash")).toBe(true);
    // At most the one write cut by the kill is torn.
    expect(lines.length - parsed.length).toBeLessThanOrEqual(1);
  });
});
