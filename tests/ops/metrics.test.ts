import { afterEach, describe, expect, it, vi } from "vitest";
import { median, percentile, rankOf, rate, summarizeRanks } from "../../src/eval/metrics.js";
import { LogLevel, StderrLogger } from "../../src/logger.js";

// Every figure `npm run eval` and `npm run bench` report goes through these.
describe("summarizeRanks", () => {
  it.each([
    ["no questions", [], { questions: 0, recallAt1: 0, recallAt3: 0, mrr: 0 }],
    ["all first", [1, 1], { questions: 2, recallAt1: 1, recallAt3: 1, mrr: 1 }],
    [
      "first, second, fourth, missing",
      [1, 2, 4, undefined],
      { questions: 4, recallAt1: 0.25, recallAt3: 0.5, mrr: (1 + 1 / 2 + 1 / 4) / 4 },
    ],
    ["third counts for R@3, not R@1", [3], { questions: 1, recallAt1: 0, recallAt3: 1, mrr: 1 / 3 }],
    ["never retrieved", [undefined, undefined], { questions: 2, recallAt1: 0, recallAt3: 0, mrr: 0 }],
  ])("%s", (_name, ranks, summary) => {
    const got = summarizeRanks(ranks);
    expect(got.questions).toBe(summary.questions);
    expect(got.recallAt1).toBeCloseTo(summary.recallAt1, 12);
    expect(got.recallAt3).toBeCloseTo(summary.recallAt3, 12);
    expect(got.mrr).toBeCloseTo(summary.mrr, 12);
  });
});

describe("rankOf and rate", () => {
  it.each([
    [["a", "b", "c"], "a", 1],
    [["a", "b", "c"], "c", 3],
    [["a", "b", "b"], "b", 2],
    [["a", "b"], "z", undefined],
    [[], "a", undefined],
  ])("rank of %j's %s is %s (1-based, first match)", (list, gold, rank) => {
    expect(rankOf(list, (item) => item === gold)).toBe(rank);
  });

  it.each([
    [[], 0],
    [[1, 2, 3, 4], 0.5],
    [[2, 4], 1],
    [[1, 3], 0],
  ])("share of even numbers in %j is %s", (values, share) => {
    expect(rate(values, (v) => v % 2 === 0)).toBe(share);
  });
});

describe("percentile (nearest rank) and median", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
  it.each([
    [hundred, 50, 50],
    [hundred, 95, 95],
    [hundred, 99, 99],
    [hundred, 100, 100],
    [hundred, 0, 1],
    [[7], 95, 7],
    [[3, 1, 2], 50, 2],
    [[1, 2, 3, 4], 50, 2],
    [[10, 20], 95, 20],
  ])("p%s of %j", (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it("is NaN for no values, and leaves its input unsorted", () => {
    expect(percentile([], 50)).toBeNaN();
    const values = [3, 1, 2];
    expect(median(values)).toBe(2);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("StderrLogger", () => {
  afterEach(() => vi.restoreAllMocks());

  const capture = () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    return written;
  };

  it.each([
    [LogLevel.DEBUG, ["[DEBUG] citebot: d\n", "[INFO] citebot: i\n", "[WARN] citebot: w\n", "[ERROR] citebot: e\n"]],
    [LogLevel.INFO, ["[INFO] citebot: i\n", "[WARN] citebot: w\n", "[ERROR] citebot: e\n"]],
    [LogLevel.WARN, ["[WARN] citebot: w\n", "[ERROR] citebot: e\n"]],
    [LogLevel.ERROR, ["[ERROR] citebot: e\n"]],
  ])("at level %s writes that level and above to stderr only", (level, lines) => {
    const written = capture();
    const stdout = vi.spyOn(process.stdout, "write");
    const logger = new StderrLogger(level);
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(written).toEqual(lines);
    expect(stdout).not.toHaveBeenCalled();
  });

  it("formats its arguments like console.log and takes a new name and level", () => {
    const written = capture();
    const logger = new StderrLogger();
    logger.setName("ask");
    logger.info("indexed %d files", 3, { slow: true });
    logger.setLevel(LogLevel.ERROR);
    logger.warn("dropped");
    expect(logger.getLevel()).toBe(LogLevel.ERROR);
    expect(written).toEqual(["[INFO] ask: indexed 3 files { slow: true }\n"]);
  });

  it("drops the control characters a terminal would obey from what it writes", () => {
    const written = capture();
    new StderrLogger().warn("Reply could not be delivered (DM from U1): \u001b]0;pwned\u0007bad\u001b[2J");
    expect(written).toEqual(["[WARN] citebot: Reply could not be delivered (DM from U1): ]0;pwnedbad[2J\n"]);
  });
});
