import { describe, expect, it } from "vitest";
import { loadOnce } from "../../src/embeddings/load-once.js";

const describeFailure = (error: unknown) => new Error(`wrapped: ${(error as Error).message}`);

describe("loadOnce", () => {
  it("runs the load once for concurrent and later callers", async () => {
    let calls = 0;
    const load = loadOnce(async () => ++calls, describeFailure);
    expect(await Promise.all([load(), load(), load()])).toEqual([1, 1, 1]);
    expect(await load()).toBe(1);
    expect(calls).toBe(1);
  });

  it.each([
    ["a rejected promise", async () => Promise.reject(new Error("disk")), "wrapped: disk"],
    [
      "a synchronous throw",
      () => {
        throw new Error("sync");
      },
      "wrapped: sync",
    ],
  ])("describes %s and tries again on the next call", async (_name, failing, message) => {
    let attempt = 0;
    const load = loadOnce(() => (++attempt === 1 ? failing() : Promise.resolve("model")), describeFailure);
    await expect(load()).rejects.toThrow(message);
    expect(await load()).toBe("model");
    expect(await load()).toBe("model");
    expect(attempt).toBe(2);
  });
});
