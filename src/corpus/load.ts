import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { CiteBotError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import { splitSentences, type Sentence } from "./split.js";

/** A file bigger than this is almost certainly not prose meant for the bot. */
export const MAX_CORPUS_FILE_BYTES = 50 * 1024 * 1024;
const CORPUS_EXTENSIONS = /\.(txt|md|markdown)$/i;

export interface CorpusFile {
  /** Path shown in citations: relative to the working directory when inside it. */
  readonly source: string;
  readonly text: string;
  /** sha256 of the file's bytes. */
  readonly hash: string;
}

export interface Corpus {
  readonly files: readonly CorpusFile[];
  /** Every sentence, in file order. Split on first use: an index update splits only changed files. */
  readonly sentences: readonly Sentence[];
  /** One file's sentences (split on first use). */
  sentencesOf(source: string): readonly Sentence[];
  /** sha256 over every file's path and hash: changes whenever any file is added, removed or edited. */
  readonly hash: string;
}

const HAS_CONTENT = /[\p{L}\p{N}]/u;

export function displayPath(absolute: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, absolute);
  const inside = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  return (inside ? relative : absolute).split(path.sep).join("/");
}

async function listCorpusFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new CiteBotError(ErrorCode.CorpusNotFound, `Corpus folder ${displayPath(dir)} does not exist; create it and add .txt or .md files, or set CORPUS_DIR.`);
    }
    throw new CiteBotError(ErrorCode.CorpusUnreadable, `Cannot read corpus folder ${displayPath(dir)} (${code ?? "error"}); check its permissions.`, { cause: error });
  }
  return entries
    .filter((entry) => entry.isFile() && CORPUS_EXTENSIONS.test(entry.name) && !entry.name.startsWith("."))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Decodes a corpus file or explains, naming the file, why it is not usable text. */
export function decodeCorpusFile(bytes: Uint8Array, source: string): string {
  if (bytes.includes(0)) {
    throw new CiteBotError(ErrorCode.CorpusBinary, `${source} looks like a binary file (it contains NUL bytes); remove it from the corpus or convert it to .txt/.md text.`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new CiteBotError(ErrorCode.CorpusNotUtf8, `${source} is not valid UTF-8; re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8).`, { cause: error });
  }
  return text; // TextDecoder has already dropped a leading BOM.
}

export async function loadCorpus(dir: string, logger: Logger, cwd: string = process.cwd()): Promise<Corpus> {
  const paths = await listCorpusFiles(dir);
  if (paths.length === 0) {
    throw new CiteBotError(ErrorCode.CorpusEmpty, `Corpus folder ${displayPath(dir, cwd)} has no .txt or .md files; add at least one, or set CORPUS_DIR.`);
  }
  const files: CorpusFile[] = [];
  for (const absolute of paths) {
    const source = displayPath(absolute, cwd);
    let bytes: Buffer;
    try {
      const info = await stat(absolute);
      if (info.size > MAX_CORPUS_FILE_BYTES) {
        throw new CiteBotError(ErrorCode.CorpusTooLarge, `${source} is ${(info.size / 1024 / 1024).toFixed(0)} MiB, over the ${MAX_CORPUS_FILE_BYTES / 1024 / 1024} MiB limit for one file; split it into smaller files.`);
      }
      bytes = await readFile(absolute);
    } catch (error) {
      if (error instanceof CiteBotError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      throw new CiteBotError(ErrorCode.CorpusUnreadable, `Cannot read ${source} (${code}); check that it exists and is readable.`, { cause: error });
    }
    const text = decodeCorpusFile(bytes, source);
    // The splitter keeps only spans with a letter or digit, so a file without one has nothing to index.
    if (!HAS_CONTENT.test(text)) logger.warn(`${source} has no text to index; skipping it.`);
    files.push({ source, text, hash: createHash("sha256").update(bytes).digest("hex") });
  }
  const empty = () => new CiteBotError(ErrorCode.CorpusEmpty, `The corpus files in ${displayPath(dir, cwd)} contain no text; add prose to at least one .txt or .md file.`);
  if (!files.some((file) => HAS_CONTENT.test(file.text))) throw empty();
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file.source}\0${file.hash}\n`);

  const split = new Map<string, readonly Sentence[]>();
  const byName = new Map(files.map((file) => [file.source, file]));
  const sentencesOf = (source: string): readonly Sentence[] => {
    let sentences = split.get(source);
    if (!sentences) {
      const file = byName.get(source);
      sentences = file ? splitSentences(file.text, source) : [];
      split.set(source, sentences);
    }
    return sentences;
  };
  let all: readonly Sentence[] | undefined;
  return {
    files,
    hash: hash.digest("hex"),
    sentencesOf,
    get sentences() {
      all ??= files.flatMap((file) => sentencesOf(file.source));
      // Only list markers and the like, no prose anywhere: found once split.
      if (all.length === 0) throw empty();
      return all;
    },
  };
}
