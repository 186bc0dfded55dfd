import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { formatAnswerText } from "../answer/compose.js";
import { dropControlCharacters } from "../control-characters.js";
import { nextConversation, type ConversationState } from "../answer/follow-up.js";
import { smallTalk } from "../answer/small-talk.js";
import type { AnswerService } from "../answer/service.js";
import { describeError, isCiteBotError } from "../errors.js";

export const TERMINAL_BANNER =
  "CiteBot local chat: Slack is not configured (no SLACK_* variables), so questions are answered here. " +
  'To run the Slack bot, see "Slack set-up" in README.md. Type a question, or "exit".';
export const TERMINAL_HELP =
  'Type a question about the documents and press Enter; follow up as in a chat ("what is his role?", "tell me more"); "summarize" gives a short summary of them; "exit" quits.';
export const TERMINAL_THANKS = "You're welcome!";

/** A local chat on the same engine as the bot, for trying CiteBot without Slack. */
export async function runTerminalChat(service: Promise<AnswerService>, input: Readable, output: Writable): Promise<void> {
  output.write(`${TERMINAL_BANNER}\n`);
  const lines = createInterface({ input, terminal: false });
  const prompt = () => output.write("> ");
  prompt();
  // Follow-ups ("What is his role?") are read with the last question that stood on its own.
  let conversation: ConversationState | undefined;
  for await (const line of lines) {
    const question = line.trim();
    if (question === "exit" || question === "quit") break;
    const talk = smallTalk(question);
    if (talk !== undefined) output.write(`${talk === "thanks" ? TERMINAL_THANKS : talk === "greeting" ? `Hi! ${TERMINAL_HELP}` : TERMINAL_HELP}\n\n`);
    else if (question !== "") {
      try {
        const answer = await (await service).answer(question, conversation);
        output.write(`${formatAnswerText(answer)}\n\n`);
        conversation = nextConversation(conversation, question, answer);
      } catch (error) {
        output.write(`${dropControlCharacters(isCiteBotError(error) ? error.message : `Something went wrong: ${describeError(error)}`)}\n\n`);
      }
    }
    prompt();
  }
  lines.close();
}
