import { createHash } from "node:crypto";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { CiteBotError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import { splitSentences, type Sentence } from "./split.js";

/** A file bigger than this is almost certainly not prose meant for the bot. */
export const MAX_CORPUS_FILE_BYTES = 50 * 1024 * 1024;
/** The kinds of file read as sources; the README, docs and .env.example name each (a test checks). */
export const CORPUS_FILE_EXTENSIONS = ["txt", "md", "markdown"] as const;
const CORPUS_EXTENSIONS = new RegExp(`\\.(${CORPUS_FILE_EXTENSIONS.join("|")})$`, "i");

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
  /** Text files left out because they could not be used (not UTF-8, binary, too large, unreadable), each with why. */
  readonly skipped: ReadonlyArray<{ readonly source: string; readonly error: CiteBotError }>;
}

const HAS_CONTENT = /[\p{L}\p{N}]/u;

export function displayPath(absolute: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, absolute);
  const inside = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  return (inside ? relative : absolute).split(path.sep).join("/");
}

/** How many of the files left out are named in the warning; the rest are counted. */
const OTHER_FILES_NAMED = 5;

/**
 * The text files to index, and the other files found beside them (a PDF, a Word file), which are
 * not read but reported, so a document dropped in the folder does not go missing without a word.
 * Hidden files and folders (.DS_Store, .git/, .obsidian/) are neither. Symbolic links are followed
 * (`ln -s ~/handbook.md corpus/` is a common way to add a document), each folder once, so a link
 * back up the tree cannot loop; a link whose target is gone is listed apart (`broken`), to be named.
 */
async function listCorpusFiles(dir: string): Promise<{ texts: string[]; others: string[]; broken: string[] }> {
  const texts: string[] = [];
  const others: string[] = [];
  const broken: string[] = [];
  const visited = new Set<string>();
  const walk = async (folder: string): Promise<void> => {
    const real = await realpath(folder);
    if (visited.has(real)) return;
    visited.add(real);
    // In name order, so a folder reachable by two paths is always listed under the same one.
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = path.join(folder, entry.name);
      let kind: "file" | "folder" | "other" = entry.isFile() ? "file" : entry.isDirectory() ? "folder" : "other";
      if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        if (!target) {
          broken.push(full);
          continue;
        }
        kind = target.isFile() ? "file" : target.isDirectory() ? "folder" : "other";
      }
      if (kind === "folder") await walk(full);
      else if (kind === "file") (CORPUS_EXTENSIONS.test(entry.name) ? texts : others).push(full);
    }
  };
  try {
    await walk(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = (error as NodeJS.ErrnoException).path ?? dir;
    if (where === dir && code === "ENOTDIR") {
      throw new CiteBotError(
        ErrorCode.CorpusNotFound,
        `CORPUS_DIR is ${displayPath(dir)}, which is a file, not a folder; set CORPUS_DIR to the folder that holds your .txt or .md files.`,
      );
    }
    if (where === dir && code === "ENOENT") {
      throw new CiteBotError(
        ErrorCode.CorpusNotFound,
        `Corpus folder ${displayPath(dir)} does not exist; create it and add .txt or .md files, or set CORPUS_DIR.`,
      );
    }
    throw new CiteBotError(
      ErrorCode.CorpusUnreadable,
      `Cannot read ${where === dir ? "corpus folder" : "folder"} ${displayPath(where)} (${code ?? "error"}); check its permissions.`,
      { cause: error },
    );
  }
  return { texts: texts.sort(), others: others.sort(), broken: broken.sort() };
}

/** "a.pdf, b.docx and 3 more": the files not indexed, for a message. */
function listOthers(others: readonly string[], cwd: string): string {
  const named = others.slice(0, OTHER_FILES_NAMED).map((file) => displayPath(file, cwd));
  const more = others.length - named.length;
  return more > 0 ? `${named.join(", ")} and ${more} more` : named.join(", ");
}

/**
 * Decodes a corpus file or explains, naming the file, why it is not usable text. UTF-8, or UTF-16
 * when the file opens with its byte-order mark: Windows Notepad's "Unicode" and Windows
 * PowerShell's `>` write that, and it is text, however full of NUL bytes.
 */
export function decodeCorpusFile(bytes: Uint8Array, source: string): string {
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? "utf-16le"
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? "utf-16be"
        : undefined;
  if (utf16) {
    let text: string;
    try {
      text = new TextDecoder(utf16, { fatal: true }).decode(bytes);
    } catch (error) {
      throw new CiteBotError(
        ErrorCode.CorpusNotUtf8,
        `${source} opens as UTF-16 but is not valid UTF-16; re-save it as UTF-8 text.`,
        { cause: error },
      );
    }
    if (text.includes("\0")) throw binaryFile(source);
    return text; // TextDecoder has already dropped the BOM.
  }
  if (bytes.includes(0)) throw binaryFile(source);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new CiteBotError(
      ErrorCode.CorpusNotUtf8,
      `${source} is not valid UTF-8; re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8).`,
      { cause: error },
    );
  }
  return text; // TextDecoder has already dropped a leading BOM.
}

function binaryFile(source: string): CiteBotError {
  return new CiteBotError(
    ErrorCode.CorpusBinary,
    `${source} looks like a binary file (it contains NUL bytes); remove it from the corpus or convert it to .txt/.md text.`,
  );
}

/** One text file, read and decoded; throws a CiteBotError naming it when it cannot be used. */
async function readCorpusFile(absolute: string, source: string): Promise<CorpusFile> {
  let bytes: Buffer;
  try {
    const info = await stat(absolute);
    if (info.size > MAX_CORPUS_FILE_BYTES) {
      throw new CiteBotError(
        ErrorCode.CorpusTooLarge,
        `${source} is ${(info.size / 1024 / 1024).toFixed(0)} MiB, over the ${MAX_CORPUS_FILE_BYTES / 1024 / 1024} MiB limit for one file; split it into smaller files.`,
      );
    }
    bytes = await readFile(absolute);
  } catch (error) {
    if (error instanceof CiteBotError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new CiteBotError(
      ErrorCode.CorpusUnreadable,
      `Cannot read ${source} (${code}); check that it exists and is readable.`,
      { cause: error },
    );
  }
  return { source, text: decodeCorpusFile(bytes, source), hash: createHash("sha256").update(bytes).digest("hex") };
}

export async function loadCorpus(dir: string, logger: Logger, cwd: string = process.cwd()): Promise<Corpus> {
  const { texts: paths, others, broken } = await listCorpusFiles(dir);
  if (broken.length > 0) {
    logger.warn(
      `Not indexed: ${broken.length} link${broken.length === 1 ? "" : "s"} whose target is missing (${listOthers(broken, cwd)}); fix or remove ${broken.length === 1 ? "it" : "them"}.`,
    );
  }
  if (paths.length === 0) {
    const found =
      others.length > 0 ? ` (only ${listOthers(others, cwd)}, which cannot be read: convert them to .txt or .md)` : "";
    throw new CiteBotError(
      ErrorCode.CorpusEmpty,
      `Corpus folder ${displayPath(dir, cwd)} has no .txt or .md files${found}; add at least one, or set CORPUS_DIR.`,
    );
  }
  if (others.length > 0) {
    logger.warn(
      `Not indexed: ${others.length} file${others.length === 1 ? "" : "s"} that ${others.length === 1 ? "is" : "are"} not .txt or .md (${listOthers(others, cwd)}); convert ${others.length === 1 ? "it" : "them"} to .txt or .md text to include ${others.length === 1 ? "it" : "them"}.`,
    );
  }
  const files: CorpusFile[] = [];
  const skipped: Array<{ source: string; error: CiteBotError }> = [];
  for (const absolute of paths) {
    const source = displayPath(absolute, cwd);
    let file: CorpusFile;
    try {
      file = await readCorpusFile(absolute, source);
    } catch (error) {
      if (!(error instanceof CiteBotError)) throw error;
      // One bad file must not stop every answer: it is left out, named, and the rest is indexed.
      skipped.push({ source, error });
      logger.warn(`Not indexed: ${error.message}`);
      continue;
    }
    // The splitter keeps only spans with a letter or digit, so a file without one has nothing to index.
    if (!HAS_CONTENT.test(file.text)) logger.warn(`${source} has no text to index; skipping it.`);
    files.push(file);
  }
  if (files.length === 0) {
    if (skipped.length === 1) throw skipped[0]!.error;
    throw new CiteBotError(
      ErrorCode.CorpusEmpty,
      `No file in ${displayPath(dir, cwd)} could be indexed: ${skipped.map((s) => s.error.message).join(" ")}`.slice(
        0,
        2_000,
      ),
    );
  }
  const empty = () =>
    new CiteBotError(
      ErrorCode.CorpusEmpty,
      `The corpus files in ${displayPath(dir, cwd)} contain no text; add prose to at least one .txt or .md file.`,
    );
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
    skipped,
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
