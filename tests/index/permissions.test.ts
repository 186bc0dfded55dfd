import type * as fsPromises from "node:fs/promises";
import { mkdir, readFile as realReadFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { loadCorpus } from "../../src/corpus/load.js";
import { ErrorCode } from "../../src/errors.js";
import { openIndex } from "../../src/index/store.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { OverlapEmbeddings } from "../helpers/overlap-embeddings.js";
import { tempDir, writeFiles } from "../helpers/temp.js";

// Tests run as root in CI, where chmod cannot take read access away: the file system answers
// EACCES for the files named here, as it does for a user who may not read index/.
const denied = new Set<string>();
vi.mock("node:fs/promises", async (original) => {
  const fs = await original<typeof fsPromises>();
  return {
    ...fs,
    readFile: (file: Parameters<typeof fs.readFile>[0], ...rest: unknown[]) => {
      if (denied.has(String(file)))
        return Promise.reject(
          Object.assign(new Error(`EACCES: permission denied, open '${String(file)}'`), { code: "EACCES" }),
        );
      return (fs.readFile as (...args: unknown[]) => Promise<unknown>)(file, ...rest);
    },
  };
});

describe("an index folder this user may not read", () => {
  it("is reported as a permission problem naming INDEX_DIR, not as damage, and nothing is rebuilt over it", async () => {
    const root = await tempDir();
    const corpusDir = path.join(root, "corpus");
    const indexDir = path.join(root, "index");
    await mkdir(corpusDir);
    await writeFiles(corpusDir, { "a.txt": "Pears ripen in September." });
    const logger = new FakeLogger();
    const corpus = await loadCorpus(corpusDir, logger);
    await openIndex({ indexDir, corpus, embeddings: new OverlapEmbeddings(), logger });
    const build = (await realReadFile(path.join(indexDir, "CURRENT"), "utf8")).trim();

    for (const file of [path.join(indexDir, "CURRENT"), path.join(indexDir, build, "manifest.json")]) {
      denied.clear();
      denied.add(file);
      const after = new FakeLogger();
      const embeddings = new OverlapEmbeddings();
      const opening = openIndex({ indexDir, corpus, embeddings, logger: after });
      await expect(opening).rejects.toMatchObject({
        code: ErrorCode.IndexUnreadable,
        message: `Cannot read ${indexDir} (EACCES: permission denied); give this user read and write access to it, or set INDEX_DIR to a folder it owns.`,
      });
      expect(after.lines).toEqual([]);
      expect(embeddings.embedded).toBe(0);
    }
    denied.clear();
  });
});
