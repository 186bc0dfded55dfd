/**
 * One replica's metrics in Prometheus' text format (GET /metrics): Prometheus scrapes every replica
 * and sums the fleet. A registry per bot (not prom-client's global one), so tests can run several.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export type QuestionOutcome = "answered" | "refused" | "failed";

export interface BotMetrics {
  question(outcome: QuestionOutcome): void;
  /** Seconds from the question's Slack timestamp to its reply being posted. */
  replied(seconds: number): void;
  duplicateDropped(): void;
  rateLimited(): void;
  replayRefused(): void;
  /** Work started and finished in this replica (in flight = started - finished). */
  workStarted(): void;
  workFinished(): void;
}

/** Metrics that go nowhere: for tests and callers that do not serve /metrics. */
export const NO_METRICS: BotMetrics = {
  question: () => undefined,
  replied: () => undefined,
  duplicateDropped: () => undefined,
  rateLimited: () => undefined,
  replayRefused: () => undefined,
  workStarted: () => undefined,
  workFinished: () => undefined,
};

export interface MetricsSources {
  /** Sentences in the index and when it was built; undefined while the engine loads. */
  readonly index: () => { readonly sentences: number; readonly builtAt: string } | undefined;
  /** Questions waiting in the fleet's queue (fleet mode); undefined for one process. */
  readonly queued?: () => Promise<number>;
}

export function createMetrics(sources: MetricsSources): { readonly metrics: BotMetrics; readonly registry: Registry } {
  const registry = new Registry();
  const registers = [registry];
  const questions = new Counter({
    name: "citebot_questions_total",
    help: "Questions handled, by outcome.",
    labelNames: ["outcome"] as const,
    registers,
  });
  for (const outcome of ["answered", "refused", "failed"] as const) questions.inc({ outcome }, 0);
  const latency = new Histogram({
    name: "citebot_event_to_reply_seconds",
    help: "From a question's Slack timestamp to its reply being posted.",
    buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
    registers,
  });
  const duplicates = new Counter({
    name: "citebot_duplicates_dropped_total",
    help: "Events and messages dropped as already handled (Slack retries, app_mention + message pairs).",
    registers,
  });
  const limited = new Counter({
    name: "citebot_rate_limited_total",
    help: "Questions over RATE_LIMIT_PER_MINUTE (warned or dropped).",
    registers,
  });
  const replays = new Counter({
    name: "citebot_replays_refused_total",
    help: "Signed requests refused because the same signature was already accepted.",
    registers,
  });
  let inFlight = 0;
  new Gauge({
    name: "citebot_work_in_flight",
    help: "Questions being answered by this replica now.",
    registers,
    collect() {
      this.set(inFlight);
    },
  });
  new Gauge({
    name: "citebot_work_queued",
    help: "Questions acknowledged and waiting for a replica (fleet mode; 0 for one process, which answers at once).",
    registers,
    async collect() {
      this.set(sources.queued ? await sources.queued().catch(() => 0) : 0);
    },
  });
  new Gauge({
    name: "citebot_index_sentences",
    help: "Sentences in the index (0 while it loads).",
    registers,
    collect() {
      this.set(sources.index()?.sentences ?? 0);
    },
  });
  new Gauge({
    name: "citebot_index_age_seconds",
    help: "Seconds since the index in use was built (0 while it loads).",
    registers,
    collect() {
      const index = sources.index();
      this.set(index ? Math.max(0, (Date.now() - Date.parse(index.builtAt)) / 1000) : 0);
    },
  });
  return {
    registry,
    metrics: {
      question: (outcome) => questions.inc({ outcome }),
      replied: (seconds) => latency.observe(seconds),
      duplicateDropped: () => duplicates.inc(),
      rateLimited: () => limited.inc(),
      replayRefused: () => replays.inc(),
      workStarted: () => void inFlight++,
      workFinished: () => void inFlight--,
    },
  };
}
