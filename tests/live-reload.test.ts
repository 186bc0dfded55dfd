import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLiveAnswerService } from "../src/answer/live.js";
import { LogLevel } from "../src/logger.js";
import { FakeLogger } from "./helpers/fake-logger.js";
import { OverlapEmbeddings } from "./helpers/overlap-embeddings.js";
import { tempDir } from "./helpers/temp.js";

const ARTICLE = await readFile(new URL("../corpus/us-china-trade-talks-london.txt", import.meta.url), "utf8");

async function setup(watch = false) {
  const root = await tempDir();
  const corpusDir = path.join(root, "corpus");
  await mkdir(corpusDir);
  await writeFile(path.join(corpusDir, "trade.txt"), ARTICLE);
  const logger = new FakeLogger();
  const service = await createLiveAnswerService({
    config: { corpusDir, indexDir: path.join(root, "index"), embeddingModel: "x", modelsDir: root, allowModelDownload: false, maxAnswerSentences: 3 },
    logger,
    embeddings: new OverlapEmbeddings(),
    watch,
    debounceMs: 50,
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
    service.close();
  });

  it.each([
    ["a binary file appears", async (dir: string) => writeFile(path.join(dir, "photo.txt"), Buffer.from([0xff, 0xd8, 0x00, 0x10]))],
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
    service.close();
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
    expect(service.manifest.files.map((f) => path.basename(f.source)).sort()).toEqual(["garden.txt", "orchard.txt", "trade.txt"]);
    expect((await service.answer("What does the garden grow?")).citations[0]?.source).toMatch(/garden\.txt$/);
    expect(logger.messages(LogLevel.ERROR)).toEqual([]);
    service.close();
  });

  it("does nothing when the corpus has not changed", async () => {
    const { service, logger } = await setup();
    const before = service.manifest.builtAt;
    expect(await service.reload()).toBe(false);
    expect(service.manifest.builtAt).toBe(before);
    expect(logger.messages(LogLevel.ERROR)).toEqual([]);
    service.close();
  });

  it("watches the folder and swaps in the new index by itself", async () => {
    const { service, corpusDir } = await setup(true);
    const before = service.manifest.corpusHash;
    await writeFile(path.join(corpusDir, "late.md"), "# Late news\n\nThe ferry leaves at noon.");
    for (let i = 0; i < 400 && service.manifest.corpusHash === before; i++) await new Promise((r) => setTimeout(r, 25));
    expect(service.manifest.corpusHash).not.toBe(before);
    expect((await service.answer("When does the ferry leave?")).citations[0]?.text).toBe("The ferry leaves at noon.");
    service.close();
  });
});
