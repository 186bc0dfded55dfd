/** Command-line parsing for `npm run ask` and the other commands. Pure. */
import { ErrorCode } from "../errors.js";

export type AskCommand =
  | { readonly kind: "question"; readonly question: string; readonly json: boolean }
  | { readonly kind: "jsonl" }
  | { readonly kind: "help" }
  | {
      readonly kind: "usage-error";
      readonly message: string;
      readonly code?: typeof ErrorCode.QuestionEmpty;
      readonly json?: boolean;
    };

export const ASK_USAGE = `Usage:
  npm run --silent ask -- "question"           answer with numbered sources
  npm run --silent ask -- --json "question"    one JSON object on stdout
  npm run --silent ask -- --jsonl < file       one question per line in, one JSON object per line out`;

const EMPTY_QUESTION_MESSAGE = "The question is empty; pass it in quotes.";

export function parseAskArgs(argv: readonly string[]): AskCommand {
  let json = false;
  let jsonl = false;
  const words: string[] = [];
  let literal = false;
  for (const arg of argv) {
    if (!literal && arg === "--") literal = true;
    else if (!literal && arg === "--json") json = true;
    else if (!literal && arg === "--jsonl") jsonl = true;
    else if (!literal && (arg === "--help" || arg === "-h")) return { kind: "help" };
    else if (!literal && arg.startsWith("--")) return { kind: "usage-error", message: `Unknown option ${arg}.` };
    else words.push(arg);
  }
  if (jsonl) {
    if (words.length > 0 || json)
      return {
        kind: "usage-error",
        message: "--jsonl reads questions from standard input; do not pass a question or --json with it.",
      };
    return { kind: "jsonl" };
  }
  const question = words.join(" ").trim();
  if (question === "")
    return { kind: "usage-error", message: EMPTY_QUESTION_MESSAGE, code: ErrorCode.QuestionEmpty, json };
  return { kind: "question", question, json };
}

/**
 * The options of a command that takes no free words (`index`, `eval`, `bench`, `stress`): each
 * flag it knows, and each option with a value checked by `parse` (which returns an error message
 * or the value). Anything else, a misspelt `--rebuld` included, is a usage error: ignoring it would
 * quietly do something other than what was asked.
 */
export interface OptionSpec {
  readonly flags: readonly string[];
  readonly values?: Readonly<Record<string, (raw: string) => { readonly value: unknown } | { readonly error: string }>>;
}

export type ParsedOptions =
  | { readonly kind: "run"; readonly flags: ReadonlySet<string>; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: "help" }
  | { readonly kind: "usage-error"; readonly message: string };

export function parseOptions(argv: readonly string[], spec: OptionSpec): ParsedOptions {
  const flags = new Set<string>();
  const values: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    const parse = spec.values?.[arg];
    if (parse) {
      const raw = argv[i + 1];
      if (raw === undefined || raw.startsWith("--")) return { kind: "usage-error", message: `${arg} needs a value.` };
      const parsed = parse(raw);
      if ("error" in parsed) return { kind: "usage-error", message: `${arg} ${parsed.error} (got "${raw}").` };
      values[arg] = parsed.value;
      i++;
    } else if (spec.flags.includes(arg)) flags.add(arg);
    else
      return {
        kind: "usage-error",
        message: arg.startsWith("-") ? `Unknown option ${arg}.` : `Unexpected argument "${arg}".`,
      };
  }
  return { kind: "run", flags, values };
}

/** A value parser for a comma-separated list of whole numbers from `min` to `max`. */
export function wholeNumbers(min: number, max: number): (raw: string) => { value: number[] } | { error: string } {
  return (raw) => {
    const numbers = raw.split(",").map((part) => Number(part.trim()));
    if (raw.trim() === "" || numbers.some((n) => !Number.isInteger(n) || n < min || n > max)) {
      return {
        error: `must be whole numbers from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}, separated by commas`,
      };
    }
    return { value: numbers };
  };
}

export const INDEX_USAGE = `Usage:
  npm run index                build index/ from the corpus, or confirm it is current
  npm run index -- --rebuild   build it from scratch (every sentence embedded again, no vector cache)
  npm run index -- --strict    exit 1 when a .txt or .md file could not be indexed (not UTF-8, binary, too large)`;

export const EVAL_USAGE = `Usage:
  npm run eval                       retrieval quality on XQuAD-R; writes bench/eval-report.md
  npm run eval -- --train-query      also re-learn the question-side weights (use-lite only)
  npm run eval -- --train            also re-learn the fusion weights (use-lite only)
  npm run eval -- --calibrate        also re-derive the abstention rule and print its variables
  EMBEDDING_MODEL=<id> npm run eval -- --fit
                                     fit another model (question-side weights, fusion weights, "not found"
                                     rule) and write MODELS_DIR/<id>/citebot-fit.json, which ask and the bot read
  npm run eval -- --questions my-questions.tsv
                                     your own questions over CORPUS_DIR, one per line as
                                     "question<TAB>file<TAB>line[,line...]" or "question<TAB>-" (not in the
                                     documents); prints how each was answered and the figures, writes nothing`;

export const BENCH_USAGE = `Usage:
  npm run bench                                   latency, cold start, Slack path, scale, builds; writes bench/results.md
  npm run bench -- --sizes 1000,10000             search at these corpus sizes (default 1000,10000,100000)
  npm run bench -- --build-sizes 1000,10000       timed full builds at these sizes (default 1000,10000)`;

export const STRESS_USAGE = `Usage:
  npm run stress                  load (500 questions from 50 senders) and a 10,000-question soak; writes bench/stress.md
  npm run stress -- --soak 2000   a soak of this many questions
  npm run stress -- --fleet 3     replicas sharing one Redis (needs redis-server): 1,000 questions with retries and
                                  twins, one replica killed halfway; updates the Fleet section of bench/stress.md`;

export const FEEDBACK_USAGE = `Usage:
  npm run --silent feedback > feedback.jsonl   every feedback click as one JSON line: from Redis with REDIS_URL
                                               (all replicas), else from FEEDBACK_LOG`;

export const FEEDBACK_OPTIONS: OptionSpec = { flags: [] };

export const INDEX_OPTIONS: OptionSpec = { flags: ["--rebuild", "--strict"] };
export const EVAL_OPTIONS: OptionSpec = {
  flags: ["--train-query", "--train", "--calibrate", "--fit"],
  values: { "--questions": (raw) => (raw.trim() === "" ? { error: "must name a file" } : { value: raw }) },
};
export const BENCH_OPTIONS: OptionSpec = {
  flags: [],
  values: { "--sizes": wholeNumbers(100, 1_000_000), "--build-sizes": wholeNumbers(100, 1_000_000) },
};
export const STRESS_OPTIONS: OptionSpec = {
  flags: [],
  values: {
    "--soak": (raw) => {
      const parsed = wholeNumbers(100, 1_000_000)(raw);
      return "error" in parsed || parsed.value.length !== 1
        ? { error: "must be one whole number from 100 to 1,000,000" }
        : { value: parsed.value[0] };
    },
    "--fleet": (raw) => {
      const parsed = wholeNumbers(1, 10)(raw);
      return "error" in parsed || parsed.value.length !== 1
        ? { error: "must be one whole number from 1 to 10" }
        : { value: parsed.value[0] };
    },
  },
};
