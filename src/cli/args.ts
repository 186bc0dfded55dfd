/** Command-line parsing for `npm run ask`. Pure. */
import { ErrorCode } from "../errors.js";

export type AskCommand =
  | { readonly kind: "question"; readonly question: string; readonly json: boolean }
  | { readonly kind: "jsonl" }
  | { readonly kind: "help" }
  | { readonly kind: "usage-error"; readonly message: string; readonly code?: typeof ErrorCode.QuestionEmpty; readonly json?: boolean };

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
    if (words.length > 0 || json) return { kind: "usage-error", message: "--jsonl reads questions from standard input; do not pass a question or --json with it." };
    return { kind: "jsonl" };
  }
  const question = words.join(" ").trim();
  if (question === "") return { kind: "usage-error", message: EMPTY_QUESTION_MESSAGE, code: ErrorCode.QuestionEmpty, json };
  return { kind: "question", question, json };
}
