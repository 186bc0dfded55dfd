import { setImmediate } from "node:timers/promises";

/**
 * Runs jobs one at a time, yielding to the event loop between them. Embedding a question is CPU
 * work on one thread, so running many at once gains nothing; worse, their promise chains keep the
 * event loop in microtasks and starve network I/O (Slack acks were measured at up to 13 s under
 * 50 concurrent senders). One at a time with a macrotask yield keeps acks prompt.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  get pending(): number {
    return this.waiting;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(async () => {
      await setImmediate();
      try {
        return await job();
      } finally {
        this.waiting--;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
