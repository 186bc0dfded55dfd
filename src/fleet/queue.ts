/**
 * Work a fleet has acknowledged to Slack and must not lose. An event is written to a BullMQ queue
 * in Redis before Slack gets its acknowledgement, and any replica's worker takes it. A replica that
 * dies holding a job (kill -9, OOM) stops renewing its lock; BullMQ's stalled-job check moves the job
 * back to the queue after `lockMs`, and another replica runs it again, told that it is a re-delivery.
 */
import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "../logger.js";

/** An Events API body as Slack sends it (the fields used here). */
export interface EventBody {
  readonly type: string;
  readonly event_id?: string;
  readonly [field: string]: unknown;
}

export interface WorkQueue {
  /** Resolves once the event is stored in Redis; the same event id is stored once (Slack's retries). */
  submit(body: EventBody): Promise<void>;
  /** Starts taking work; `run` gets each event and whether a replica died holding it before. */
  start(run: (body: EventBody, redelivered: boolean) => Promise<void>): void;
  /** Events stored and not yet taken. */
  waiting(): Promise<number>;
  /** Takes no new work, waits (up to `graceMs`) for the work in hand, releases the rest for other replicas. */
  close(graceMs: number): Promise<void>;
}

export const QUEUE_NAME = "citebot-events";

export interface QueueOptions {
  /** A replica's claim on a job lasts this long unless renewed (it renews at half); a dead one's job runs elsewhere after it. */
  readonly lockMs: number;
  /** Events one replica answers at once (the engine answers one at a time; the rest is Slack I/O). */
  readonly concurrency: number;
  /** How long a finished event's id is kept, so a late Slack retry of it is recognised. */
  readonly keepFinishedSeconds?: number;
}

/** BullMQ job ids may not hold ":"; Slack's event ids ("Ev0123ABC") never do, but nothing else is trusted. */
export function jobIdOf(body: EventBody): string | undefined {
  return typeof body.event_id === "string" && body.event_id !== ""
    ? `ev-${body.event_id.replace(/[^\w-]/g, "_")}`
    : undefined;
}

export function bullWorkQueue(
  connection: Redis,
  workerConnection: Redis,
  logger: Logger,
  options: QueueOptions,
): WorkQueue {
  const keep = options.keepFinishedSeconds ?? 3600;
  const queue = new Queue<EventBody>(QUEUE_NAME, {
    connection,
    defaultJobOptions: {
      // A failure inside the handlers is logged there and never thrown; what throws here is the
      // engine or Redis being away, which is worth another try.
      attempts: 3,
      backoff: { type: "exponential", delay: 1_000 },
      removeOnComplete: { age: keep },
      removeOnFail: { age: 24 * 3600 },
    },
  });
  queue.on("error", (error) => logger.warn(`Work queue: ${error.message}`));
  let worker: Worker<EventBody> | undefined;
  return {
    submit: async (body) => {
      const jobId = jobIdOf(body);
      await queue.add("event", body, jobId ? { jobId } : {});
    },
    start: (run) => {
      worker = new Worker<EventBody>(
        QUEUE_NAME,
        async (job: Job<EventBody>) => {
          // Started before: by a replica that died (stalled) or a failed attempt.
          const redelivered = job.attemptsStarted > 1 || job.stalledCounter > 0;
          if (redelivered)
            logger.info(
              `Taking over event ${job.data.event_id ?? job.id} (a replica died holding it, or it failed before).`,
            );
          await run(job.data, redelivered);
        },
        {
          connection: workerConnection,
          concurrency: options.concurrency,
          lockDuration: options.lockMs,
          stalledInterval: Math.max(1_000, Math.floor(options.lockMs / 2)),
          maxStalledCount: 3,
        },
      );
      worker.on("error", (error) => logger.warn(`Work queue worker: ${error.message}`));
      worker.on("failed", (job, error) =>
        logger.error(
          `Event ${job?.data.event_id ?? job?.id ?? "?"} failed (${error.message}); ${job && job.attemptsMade < (job.opts.attempts ?? 1) ? "it will be tried again" : "giving up"}.`,
        ),
      );
    },
    waiting: () => queue.getWaitingCount(),
    close: async (graceMs) => {
      if (worker) {
        // close() waits for the jobs in hand; past the grace they are released (their lock lapses) for another replica.
        const closed = worker.close();
        const timer = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), graceMs).unref());
        if ((await Promise.race([closed.then(() => "done" as const), timer])) === "late") {
          logger.warn(
            `Shutting down with work in hand after ${graceMs} ms; another replica takes it when its lock lapses.`,
          );
          await worker.close(true);
        }
      }
      await queue.close();
    },
  };
}
