import { withoutInvisibles } from "../answer/question.js";

/** One input line of `ask --jsonl`: its text, and whether it is text at all. */
export interface InputLine {
  /**
   * The line decoded as UTF-8, without its "\n" or "\r\n". For a line that is not text: invalid bytes
   * as U+FFFD and control characters dropped, so that echoing it back shows what it was, not binary.
   */
  readonly text: string;
  /** False when the bytes are not valid UTF-8 or hold a NUL: a binary file, or text in another encoding. */
  readonly isText: boolean;
  /**
   * Set when the line ran past MAX_LINE_BYTES: `text` is then its start only. Lines are held to that
   * many bytes so that a huge file with no newline is refused without being held whole.
   */
  readonly overLong?: true;
}

/** Far above any question the service accepts (MAX_QUESTION_CHARS characters of at most 4 bytes). */
export const MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const strict = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8");

function decode(bytes: Buffer, overLong: boolean): InputLine {
  if (overLong) return { text: withoutInvisibles(lossy.decode(bytes.subarray(0, 200))), isText: true, overLong: true };
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  const line = bytes.subarray(0, end);
  try {
    const text = strict.decode(line);
    return text.includes("\u0000") ? { text: withoutInvisibles(text), isText: false } : { text, isText: true };
  } catch {
    return { text: withoutInvisibles(lossy.decode(line)), isText: false };
  }
}

/**
 * The lines of a byte stream, each decoded on its own. Why not readline: it decodes the whole stream
 * first, so a line of Latin-1 or binary bytes would arrive as replacement characters and be answered
 * as a question instead of reported. Splitting on the "\n" byte is safe for UTF-8, whose multi-byte
 * characters never contain it, even when a character straddles two chunks. A last line without "\n"
 * counts; an empty input has no lines.
 */
export async function* inputLines(
  chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<InputLine> {
  let pending: Buffer[] = [];
  let held = 0;
  let started = false;
  // Bytes past MAX_LINE_BYTES are dropped, not held; the line is then reported as over-long.
  const hold = (part: Buffer) => {
    started = true;
    const room = MAX_LINE_BYTES + 1 - held;
    if (room > 0) {
      pending.push(part.subarray(0, room));
      held += Math.min(part.length, room);
    }
  };
  const take = () => {
    const line = decode(Buffer.concat(pending), held > MAX_LINE_BYTES);
    pending = [];
    held = 0;
    started = false;
    return line;
  };
  for await (const chunk of chunks) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, start)) {
      hold(bytes.subarray(start, at));
      yield take();
      start = at + 1;
    }
    if (start < bytes.length) hold(bytes.subarray(start));
  }
  if (started) yield take();
}

/** What `ask --jsonl` says for a line longer than MAX_LINE_BYTES (1-based line number). */
export function overLongMessage(line: number, maxQuestionChars: number): string {
  return `Line ${line} is over ${MAX_LINE_BYTES} bytes long; a question is at most ${maxQuestionChars} characters. Ask a shorter question.`;
}

/** What `ask --jsonl` says for a line that is not text (1-based line number). */
export function notTextMessage(line: number): string {
  return `Line ${line} is not UTF-8 text (bytes in another encoding, or NUL characters); save the questions as UTF-8 text, one per line.`;
}
