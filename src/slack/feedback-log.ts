import { mkdir, open, type FileHandle } from "node:fs/promises";
import path from "node:path";

export interface FeedbackRecord {
  readonly timestamp: string;
  readonly vote: "helpful" | "not_helpful";
  readonly answerId: string;
  readonly question: string | null;
  readonly answer: string | null;
  readonly citations: ReadonlyArray<{ n: number; text: string; source: string; lineStart: number; lineEnd: number }>;
  readonly user: string;
  readonly channel: string | null;
}

export interface FeedbackSink {
  append(record: FeedbackRecord): Promise<void>;
}

/**
 * Appends one JSON line per click and fsyncs before resolving, so a click the user saw
 * acknowledged survives a crash. Appends are queued in-process so lines never interleave.
 */
export class FeedbackLog implements FeedbackSink {
  private queue: Promise<void> = Promise.resolve();
  private checkedTail = false;

  constructor(readonly file: string) {}

  append(record: FeedbackRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const write = this.queue.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const handle = await open(this.file, "a+");
      try {
        // A process killed mid-write can leave a partial last line (never acknowledged); start on a
        // fresh line so it cannot swallow the next record.
        const prefix = this.checkedTail ? "" : await missingNewline(handle);
        this.checkedTail = true;
        await handle.write(prefix + line);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    this.queue = write.catch(() => undefined);
    return write;
  }
}

async function missingNewline(handle: FileHandle): Promise<string> {
  const { size } = await handle.stat();
  if (size === 0) return "";
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a ? "" : "\n";
}
