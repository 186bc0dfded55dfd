/**
 * Characters a document or a user may send that a terminal or a Slack client would obey instead of
 * showing: C0 and C1 controls (ESC opens sequences that clear the screen, retitle the window or set
 * the clipboard; BEL, CR), DEL, and the bidirectional overrides and isolates that can disguise text.
 * Tabs and line breaks stay.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from documents or users without those characters: for Slack, `ask`, the terminal chat and the log. Pure. */
export function dropControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, "");
}
