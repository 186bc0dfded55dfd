import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLiveAnswerService } from "../../src/answer/live.js";
import { LogLevel } from "../../src/logger.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { OverlapEmbeddings } from "../helpers/overlap-embeddings.js";
import { tempDir } from "../helpers/temp.js";
import { testEngineConfig } from "../helpers/engine.js";

const ARTICLE = await readFile(new URL("../../corpus/us-china-trade-talks-london.txt", import.meta.url), "utf8");

/** A live service over the trade article; `recheckMs` is how often the watcher checks the folder is still the one watched. */
async function setup(watch = false, recheckMs?: number) {
  const root = await tempDir();
  const corpusDir = path.join(root, "corpus");
  await mkdir(corpusDir);
  await writeFile(path.join(corpusDir, "trade.txt"), ARTICLE);
  const logger = new FakeLogger();
  const service = await createLiveAnswerService({
    config: testEngineConfig(root, corpusDir),
    logger,
    embeddings: new OverlapEmbeddings(),
    watch,
    debounceMs: 50,
    ...(recheckMs !== undefined ? { recheckMs } : {}),
  });
  return { service, logger, corpusDir };
}

describe("live corpus reload", () => {
  it("picks up a new document and keeps answering while it rebuilds", async () => {
    const { service, corpusDir } = await setup();
    await writeFile(path.join(corpusDir, "orchard.txt"), "The orchard grows pears and apples.");
    const reloading = service.reload();
    const during = await service.answer("Who heads the Chinese delegation?");
    expect(during.citations[0]?.lineStart).toBe(11);
    expect(await reloading).toBe(true);
    expect((await service.answer("What does the orchard grow?")).citations[0]?.source).toMatch(/orchard\.txt$/);
    await service.close();
  });

  it.each([
    ["every file is deleted", async (dir: string) => rm(path.join(dir, "trade.txt"))],
    ["the folder is removed", async (dir: string) => rm(dir, { recursive: true })],
  ])("keeps serving the last good index and logs one line when %s", async (_name, breakIt) => {
    const { service, logger, corpusDir } = await setup();
    await breakIt(corpusDir);
    expect(await service.reload()).toBe(false);
    const errors = logger.messages(LogLevel.ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Corpus reload failed; still answering from the last good index: CORPUS_/);
    expect((await service.answer("Who heads the Chinese delegation?")).citations[0]?.lineStart).toBe(11);
    await service.close();
  });

  it("skips a binary file that appears, saying so, and keeps answering from the rest", async () => {
    const { service, logger, corpusDir } = await setup();
    await writeFile(path.join(corpusDir, "photo.txt"), Buffer.from([0xff, 0xd8, 0x00, 0x10]));
    await writeFile(path.join(corpusDir, "orchard.txt"), "The orchard grows pears and apples.");
    expect(await service.reload()).toBe(true);
    expect(logger.messages(LogLevel.WARN)).toContainEqual(
      expect.stringMatching(/^Not indexed: .*photo\.txt looks like a binary file/),
    );
    expect(logger.messages(LogLevel.ERROR)).toEqual([]);
    expect((await service.answer("What does the orchard grow?")).citations[0]?.source).toMatch(/orchard\.txt$/);
    await service.close();
  });

  it("folds reloads asked for while one runs into one more pass, which sees the latest edit", async () => {
    const { service, corpusDir, logger } = await setup();
    await writeFile(path.join(corpusDir, "orchard.txt"), "The orchard grows pears and apples.");
    const first = service.reload();
    // Edited while the first pass may already have read the folder: only a second pass can see it.
    await writeFile(path.join(corpusDir, "garden.txt"), "The garden grows roses and tulips.");
    const second = service.reload();
    const third = service.reload();
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(await first).toBe(true);
    expect(service.manifest.files.map((f) => path.basename(f.source)).sort()).toEqual([
      "garden.txt",
      "orchard.txt",
      "trade.txt",
    ]);
    expect((await service.answer("What does the garden grow?")).citations[0]?.source).toMatch(/garden\.txt$/);
    expect(logger.messages(LogLevel.ERROR)).toEqual([]);
    await service.close();
  });

  it("does nothing when the corpus has not changed", async () => {
    const { service, logger } = await setup();
    const before = service.manifest.builtAt;
    expect(await service.reload()).toBe(false);
    expect(service.manifest.builtAt).toBe(before);
    expect(logger.messages(LogLevel.ERROR)).toEqual([]);
    await service.close();
  });

  it("watches the folder and swaps in the new index by itself", async () => {
    const { service, corpusDir } = await setup(true);
    const before = service.manifest.corpusHash;
    await writeFile(path.join(corpusDir, "late.md"), "# Late news\n\nThe ferry leaves at noon.");
    for (let i = 0; i < 400 && service.manifest.corpusHash === before; i++) await new Promise((r) => setTimeout(r, 25));
    expect(service.manifest.corpusHash).not.toBe(before);
    expect((await service.answer("When does the ferry leave?")).citations[0]?.text).toBe("The ferry leaves at noon.");
    await service.close();
  });
});

describe("watching the corpus folder when it is moved, removed or replaced", () => {
  const watched = (recheckMs = 100) => setup(true, recheckMs);
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
  };

  it.each([
    [
      "moved away and back",
      async (dir: string) => (await rename(dir, `${dir}.moved`), await rename(`${dir}.moved`, dir)),
    ],
    [
      "removed and made again",
      async (dir: string) => (
        await rm(dir, { recursive: true }),
        await mkdir(dir),
        await writeFile(path.join(dir, "trade.txt"), ARTICLE)
      ),
    ],
    [
      "replaced by another folder",
      async (dir: string) => {
        await mkdir(`${dir}.new`);
        await writeFile(path.join(`${dir}.new`, "trade.txt"), ARTICLE);
        await rm(dir, { recursive: true });
        await rename(`${dir}.new`, dir);
      },
    ],
  ])("indexes an edit made after the folder was %s, and says it is watching again", async (_name, disturb) => {
    // No periodic check within the test: the watch on the parent folder must see it.
    const { service, logger, corpusDir } = await watched(60_000);
    await disturb(corpusDir);
    await until(() => logger.messages(LogLevel.INFO).some((m) => m.includes("watching it again")));
    expect(logger.messages(LogLevel.INFO)).toContainEqual(
      `The corpus folder ${corpusDir} was moved, replaced or re-created; watching it again.`,
    );
    const before = service.manifest.corpusHash;
    await writeFile(path.join(corpusDir, "late.md"), "# Late news\n\nThe ferry leaves at noon.");
    await until(() => service.manifest.files.some((f) => f.source.endsWith("late.md")));
    expect(service.manifest.corpusHash).not.toBe(before);
    expect((await service.answer("When does the ferry leave?")).citations[0]?.text).toBe("The ferry leaves at noon.");
    await service.close();
  });

  it("says once that the folder is gone, keeps answering, and picks it up when it is back", async () => {
    const { service, logger, corpusDir } = await watched();
    await rename(corpusDir, `${corpusDir}.away`);
    await until(() => logger.messages(LogLevel.WARN).length > 0);
    await new Promise((r) => setTimeout(r, 300)); // several checks: still one line
    expect(logger.messages(LogLevel.WARN)).toEqual([
      `The corpus folder ${corpusDir} is gone; still answering from the last good index until it is back.`,
    ]);
    expect((await service.answer("Who heads the Chinese delegation?")).citations[0]?.lineStart).toBe(11);
    await writeFile(path.join(`${corpusDir}.away`, "late.md"), "# Late news\n\nThe ferry leaves at noon.");
    await rename(`${corpusDir}.away`, corpusDir);
    await until(() => service.manifest.files.some((f) => f.source.endsWith("late.md")));
    expect((await service.answer("When does the ferry leave?")).citations[0]?.text).toBe("The ferry leaves at noon.");
    await service.close();
  });
});
