/**
 * Typed errors with stable codes. `message` says what went wrong and how to fix it; it is safe to
 * print to a terminal or a log. Nothing here is ever shown to Slack users verbatim (see src/slack/messages.ts).
 */
export const ErrorCode = {
  ConfigInvalid: "CONFIG_INVALID",
  CorpusNotFound: "CORPUS_NOT_FOUND",
  CorpusEmpty: "CORPUS_EMPTY",
  CorpusUnreadable: "CORPUS_UNREADABLE",
  CorpusBinary: "CORPUS_BINARY",
  CorpusNotUtf8: "CORPUS_NOT_UTF8",
  CorpusTooLarge: "CORPUS_FILE_TOO_LARGE",
  IndexCorrupt: "INDEX_CORRUPT",
  IndexUnreadable: "INDEX_UNREADABLE",
  IndexWriteFailed: "INDEX_WRITE_FAILED",
  ModelLoadFailed: "MODEL_LOAD_FAILED",
  ModelFitInvalid: "MODEL_FIT_INVALID",
  QuestionEmpty: "QUESTION_EMPTY",
  QuestionTooLong: "QUESTION_TOO_LONG",
  QuestionNotText: "QUESTION_NOT_TEXT",
  QuestionsFileInvalid: "QUESTIONS_FILE_INVALID",
  UsageInvalid: "USAGE_INVALID",
  SlackAuthRejected: "SLACK_AUTH_REJECTED",
  SlackUnreachable: "SLACK_UNREACHABLE",
  PortInUse: "PORT_UNAVAILABLE",
  FeedbackUnavailable: "FEEDBACK_UNAVAILABLE",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class CiteBotError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CiteBotError";
    this.code = code;
  }
}

export function isCiteBotError(error: unknown, code?: ErrorCode): error is CiteBotError {
  return error instanceof CiteBotError && (code === undefined || error.code === code);
}

/** One line for logs and terminals: the code and message, never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof CiteBotError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}
