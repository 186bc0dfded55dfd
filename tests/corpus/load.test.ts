import { readdir, readFile, symlink, truncate } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CORPUS_FILE_EXTENSIONS, loadCorpus, MAX_CORPUS_FILE_BYTES } from "../../src/corpus/load.js";
import { ErrorCode } from "../../src/errors.js";
import { LogLevel } from "../../src/logger.js";
import { FakeLogger } from "../helpers/fake-logger.js";
import { tempDir, writeFiles } from "../helpers/temp.js";

describe("loadCorpus", () => {
  it.each([
    ["a missing folder", null, ErrorCode.CorpusNotFound, /does not exist/],
    ["an empty folder", {}, ErrorCode.CorpusEmpty, /no \.txt or \.md files/],
    [
      "only unsupported files",
      { "a.pdf": "x", "b.json": "{}" },
      ErrorCode.CorpusEmpty,
      /no \.txt or \.md files \(only corpus\/a\.pdf, corpus\/b\.json, which cannot be read: convert them to \.txt or \.md\)/,
    ],
    [
      "a binary file alone",
      { "image.txt": new Uint8Array([0x89, 0x50, 0x00, 0x01]) },
      ErrorCode.CorpusBinary,
      /image\.txt looks like a binary file/,
    ],
    [
      "a file that is a file, not a folder",
      "file",
      ErrorCode.CorpusNotFound,
      /^CORPUS_DIR is \S*corpus, which is a file, not a folder; set CORPUS_DIR to the folder that holds your \.txt or \.md files\.$/,
    ],
    [
      "two files, neither usable, both named",
      {
        "image.txt": new Uint8Array([0x89, 0x50, 0x00, 0x01]),
        "latin1.md": new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x2e]),
      },
      ErrorCode.CorpusEmpty,
      /^No file in corpus could be indexed: corpus\/image\.txt looks like .* corpus\/latin1\.md is not valid UTF-8/,
    ],
    [
      "a non-UTF-8 file",
      { "latin1.md": new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x2e]) },
      ErrorCode.CorpusNotUtf8,
      /latin1\.md is not valid UTF-8/,
    ],
    ["only whitespace", { "blank.txt": "  \n\n " }, ErrorCode.CorpusEmpty, /contain no text/],
    [
      "a UTF-16 file with a broken surrogate",
      { "notes.txt": new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8, 0x41, 0x00]) },
      ErrorCode.CorpusNotUtf8,
      /notes\.txt opens as UTF-16 but is not valid UTF-16/,
    ],
    [
      "a UTF-16 file holding NUL characters",
      { "dump.txt": new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x00, 0x00]) },
      ErrorCode.CorpusBinary,
      /dump\.txt looks like a binary file/,
    ],
  ])("refuses %s with a clear error naming the problem", async (_name, files, code, message) => {
    const root = await tempDir();
    const dir = path.join(root, "corpus");
    if (files === "file") await writeFiles(root, { corpus: "I am a file." });
    else if (files) await writeFiles(dir, { ...(files as Record<string, string | Uint8Array>), ".keep": "" });
    const error = await loadCorpus(dir, new FakeLogger(), root).catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
  });

  // Windows Notepad's "Unicode" and Windows PowerShell's `>` save UTF-16 with a byte-order mark.
  it.each([
    ["UTF-16LE", (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])],
    ["UTF-16BE", (text: string) => Buffer.from([0xfe, 0xff, ...Buffer.from(text, "utf16le").swap16()])],
    [
      "UTF-8 with a byte-order mark",
      (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]),
    ],
  ])("reads %s text, without the mark", async (_name, encode) => {
    const root = await tempDir();
    await writeFiles(path.join(root, "corpus"), {
      "notes.txt": new Uint8Array(encode("Café budget: 5 million.\r\nNext line.")),
    });
    const corpus = await loadCorpus(path.join(root, "corpus"), new FakeLogger(), root);
    expect(corpus.sentences.map((s) => [s.text, s.lineStart, s.lineEnd])).toEqual([
      ["Café budget: 5 million.", 1, 1],
      ["Next line.", 2, 2],
    ]);
  });

  it("loads .txt and .md recursively in a stable order, with paths relative to the working directory", async () => {
    const root = await tempDir();
    await writeFiles(root, {
      "corpus/b.txt": "Bee.",
      "corpus/a/z.md": "# Zed\n\nZed text.",
      "corpus/.hidden.txt": "No.",
      "corpus/.obsidian/notes.md": "Not this either.",
    });
    const corpus = await loadCorpus(path.join(root, "corpus"), new FakeLogger(), root);
    expect(corpus.files.map((f) => f.source)).toEqual(["corpus/a/z.md", "corpus/b.txt"]);
    expect(corpus.sentences.map((s) => s.text)).toEqual(["Zed", "Zed text.", "Bee."]);
  });

  it.each([
    [
      "one",
      { "report.pdf": "%PDF" },
      "Not indexed: 1 file that is not .txt or .md (corpus/report.pdf); convert it to .txt or .md text to include it.",
    ],
    [
      "several, the first five named",
      Object.fromEntries(
        ["a.pdf", "b.docx", "c.pptx", "d.html", "e/f.rtf", "LICENSE", "g.json"].map((name) => [name, "x"]),
      ),
      "Not indexed: 7 files that are not .txt or .md (corpus/LICENSE, corpus/a.pdf, corpus/b.docx, corpus/c.pptx, corpus/d.html and 2 more); convert them to .txt or .md text to include them.",
    ],
  ])("indexes the text files and names the other files it found in one warning: %s", async (_name, others, warning) => {
    const root = await tempDir();
    await writeFiles(path.join(root, "corpus"), { "a.txt": "Alpha.", ".DS_Store": "x", ".git/HEAD": "ref", ...others });
    const logger = new FakeLogger();
    const corpus = await loadCorpus(path.join(root, "corpus"), logger, root);
    expect(corpus.files.map((f) => f.source)).toEqual(["corpus/a.txt"]);
    expect(logger.messages()).toEqual([warning]);
  });

  it("follows links to files and folders (each folder once, so a loop ends), and names a broken link in one warning", async () => {
    const root = await tempDir();
    await writeFiles(root, {
      "elsewhere/handbook.md": "# Handbook\n\nLeave is 25 days.",
      "team/notes/plan.txt": "The plan is set.",
      "corpus/a.txt": "Alpha.",
    });
    const corpusDir = path.join(root, "corpus");
    await symlink(path.join(root, "elsewhere", "handbook.md"), path.join(corpusDir, "handbook.md"));
    await symlink(path.join(root, "team"), path.join(corpusDir, "team"));
    await symlink(corpusDir, path.join(root, "team", "notes", "back-to-corpus"));
    await symlink(path.join(root, "gone.txt"), path.join(corpusDir, "gone.txt"));
    const logger = new FakeLogger();
    const corpus = await loadCorpus(corpusDir, logger, root);
    expect(corpus.files.map((f) => f.source)).toEqual([
      "corpus/a.txt",
      "corpus/handbook.md",
      "corpus/team/notes/plan.txt",
    ]);
    expect(corpus.sentences.map((s) => s.text)).toContain("Leave is 25 days.");
    expect(logger.messages()).toEqual([
      "Not indexed: 1 link whose target is missing (corpus/gone.txt); fix or remove it.",
    ]);
  });

  it("skips a file over the size limit with a warning naming it, without reading it, and indexes the rest", async () => {
    const root = await tempDir();
    await writeFiles(path.join(root, "corpus"), { "ok.txt": "Fine.", "dump.txt": "" });
    // Sparse: the size is what counts, and nothing that large is written to disk.
    await truncate(path.join(root, "corpus", "dump.txt"), MAX_CORPUS_FILE_BYTES + 30 * 1024 * 1024);
    const logger = new FakeLogger();
    const corpus = await loadCorpus(path.join(root, "corpus"), logger, root);
    expect(corpus.files.map((f) => f.source)).toEqual(["corpus/ok.txt"]);
    expect(logger.messages()).toEqual([
      "Not indexed: corpus/dump.txt is 80 MiB, over the 50 MiB limit for one file; split it into smaller files.",
    ]);
    expect(corpus.skipped.map((s) => [s.source, s.error.code])).toEqual([
      ["corpus/dump.txt", ErrorCode.CorpusTooLarge],
    ]);
  });

  it.each([
    [
      "a Latin-1 file",
      new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x2e]),
      "Not indexed: corpus/old.txt is not valid UTF-8; re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8).",
    ],
    [
      "a binary file",
      new Uint8Array([0x89, 0x50, 0x00, 0x01]),
      "Not indexed: corpus/old.txt looks like a binary file (it contains NUL bytes); remove it from the corpus or convert it to .txt/.md text.",
    ],
  ])(
    "skips %s among good ones with a loud warning naming it, as it skips a PDF, and indexes the rest",
    async (_name, bytes, warning) => {
      const root = await tempDir();
      await writeFiles(path.join(root, "corpus"), {
        "a.txt": "Alpha is first.",
        "old.txt": bytes,
        "z.md": "Zed is last.",
      });
      const logger = new FakeLogger();
      const corpus = await loadCorpus(path.join(root, "corpus"), logger, root);
      expect(corpus.files.map((f) => f.source)).toEqual(["corpus/a.txt", "corpus/z.md"]);
      expect(corpus.sentences.map((s) => s.text)).toEqual(["Alpha is first.", "Zed is last."]);
      expect(logger.messages(LogLevel.WARN)).toEqual([warning]);
    },
  );

  it("skips an empty file with a warning and changes the corpus hash when any file changes", async () => {
    const root = await tempDir();
    await writeFiles(root, { "corpus/a.txt": "Alpha.", "corpus/empty.md": "" });
    const logger = new FakeLogger();
    const first = await loadCorpus(path.join(root, "corpus"), logger, root);
    expect(logger.messages()).toEqual(["corpus/empty.md has no text to index; skipping it."]);
    await writeFiles(root, { "corpus/a.txt": "Alpha!" });
    const second = await loadCorpus(path.join(root, "corpus"), new FakeLogger(), root);
    expect(second.hash).not.toBe(first.hash);
  });
});

describe("the documentation of the file kinds read", () => {
  it("names every kind wherever the README, docs/ and .env.example list the kinds of source file", async () => {
    const files = ["README.md", ".env.example", ...(await readdir("docs")).map((f) => path.join("docs", f))];
    const lists: string[] = [];
    for (const file of files) {
      for (const line of (await readFile(file, "utf8")).split("\n")) {
        // A list of kinds: ".txt" followed closely by "md" (".txt and .md", "`.txt`, `.md`", ".txt/.md", "*.txt|md").
        if (/\.txt\b[^.\n]{0,10}\.?md\b/.test(line)) lists.push(`${file}: ${line}`);
      }
    }
    expect(lists.length).toBeGreaterThanOrEqual(4);
    for (const list of lists)
      for (const kind of CORPUS_FILE_EXTENSIONS) expect(list).toMatch(new RegExp(`\\b${kind}\\b`));
  });
});
