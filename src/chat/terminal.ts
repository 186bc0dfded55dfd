import { clearLine, createInterface, cursorTo } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { formatAnswerText } from "../cli/render.js";
import { dropControlCharacters } from "../control-characters.js";
import { nextConversation, type Conversation } from "../answer/follow-up.js";
import type { SmallTalkReply } from "../answer/answer.js";
import { answerWithoutSearch } from "../answer/without-search.js";
import type { AnswerService } from "../answer/service.js";
import { describeError, isCiteBotError } from "../errors.js";

export const TERMINAL_BANNER =
  "CiteBot local chat: Slack is not configured (no SLACK_* variables), so questions are answered here. " +
  'To run the Slack bot, see "Slack set-up" in README.md. Type a question, or "exit".';
export const TERMINAL_HELP =
  'Type a question about the documents and press Enter; follow up as in a chat ("what is his role?", "tell me more"); "summarize" gives a short summary of them; "exit" quits.';
export const TERMINAL_THANKS = "You're welcome!";

/** The terminal's words for small talk: its help (which knows "exit"), greeted, or you're welcome. */
function smallTalkReply({ talk }: SmallTalkReply): string {
  return talk === "thanks" ? TERMINAL_THANKS : talk === "greeting" ? `Hi! ${TERMINAL_HELP}` : TERMINAL_HELP;
}

/** Escape sequences a terminal sends for keys (arrows, Home, F-keys), left in a line read without line editing. */
// Control characters are exactly what this matches.
// eslint-disable-next-line no-control-regex
const KEY_SEQUENCES = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|O[@-~]|[@-Z\\-_])/g;

export interface TerminalChatOptions {
  /**
   * Line editing and history (arrows, Home/End, Up for the last question, Ctrl-L): true when both
   * ends are a terminal (`npm start` passes that), false for piped input.
   */
  readonly terminal?: boolean;
  /** Where log lines go while the chat runs: they are printed above the prompt, which is redrawn with what was typed. */
  readonly log?: { setSink(sink: ((line: string) => void) | undefined): void };
}

/** A local chat on the same engine as the bot, for trying CiteBot without Slack. */
export async function runTerminalChat(
  service: Promise<AnswerService>,
  input: Readable,
  output: Writable,
  options: TerminalChatOptions = {},
): Promise<void> {
  output.write(`${TERMINAL_BANNER}\n`);
  const terminal = options.terminal ?? false;
  const lines = createInterface({
    input,
    output: terminal ? output : undefined,
    terminal,
    prompt: "> ",
    historySize: 100,
    removeHistoryDuplicates: true,
  });
  let prompting = false;
  const prompt = () => {
    prompting = true;
    if (terminal) lines.prompt();
    else output.write("> ");
  };
  options.log?.setSink((line) => {
    if (!terminal || !prompting) return void process.stderr.write(line);
    // Above the prompt, not into it: clear the line being typed, log, then redraw it as it was.
    clearLine(output, 0);
    cursorTo(output, 0);
    process.stderr.write(line);
    lines.prompt(true);
  });
  prompt();
  // Follow-ups ("What is his role?") are read with the last question that stood on its own.
  let conversation: Conversation | undefined;
  try {
    for await (const line of lines) {
      prompting = false;
      const question = line.replace(KEY_SEQUENCES, "").trim();
      if (question === "exit" || question === "quit") break;
      if (question !== "") {
        try {
          // Small talk ("help") is answered at once, also while the index is still loading.
          const answer = answerWithoutSearch(question) ?? (await (await service).answer(question, conversation));
          output.write(`${answer.kind === "small-talk" ? smallTalkReply(answer) : formatAnswerText(answer)}\n\n`);
          conversation = nextConversation(conversation, question, answer);
        } catch (error) {
          output.write(
            `${dropControlCharacters(isCiteBotError(error) ? error.message : `Something went wrong: ${describeError(error)}`)}\n\n`,
          );
        }
      }
      prompt();
    }
  } finally {
    options.log?.setSink(undefined);
    lines.close();
  }
}
