/**
 * Feedback clicks from every replica in one Redis stream. XADD returns once Redis has the record in
 * memory and (with `appendonly yes`) written to its append-only file, which is before the user is
 * thanked; so a click the user saw acknowledged survives a replica dying and Redis restarting.
 * `appendfsync always` also survives the machine losing power (the default, everysec, may lose the
 * last second then). `npm run feedback` exports the stream as JSONL.
 */
import type { Redis } from "ioredis";
import type { FeedbackRecord, FeedbackSink } from "../slack/feedback-log.js";
import { KEY_PREFIX } from "./state.js";

export const FEEDBACK_STREAM = `${KEY_PREFIX}feedback`;

export function redisFeedback(redis: Redis): FeedbackSink {
  return {
    append: async (record: FeedbackRecord) => {
      await redis.xadd(FEEDBACK_STREAM, "*", "record", JSON.stringify(record));
    },
  };
}

/** Every record in the stream, oldest first, one JSON line each, written as it is read. Returns how many. */
export async function exportFeedback(redis: Redis, write: (line: string) => void, pageSize = 1_000): Promise<number> {
  let start = "-";
  let count = 0;
  for (;;) {
    const page = await redis.xrange(FEEDBACK_STREAM, start, "+", "COUNT", pageSize);
    for (const [, fields] of page) {
      const at = fields.indexOf("record");
      if (at >= 0 && fields[at + 1] !== undefined) {
        write(`${fields[at + 1]}\n`);
        count++;
      }
    }
    if (page.length < pageSize) return count;
    // Exclusive start after the last id read.
    start = `(${page[page.length - 1]![0]}`;
  }
}
