/**
 * Characters a document may hold that a terminal would obey instead of showing: C0 and C1 controls
 * (ESC opens sequences that clear the screen, retitle the window or set the clipboard; BEL, CR),
 * DEL, and the bidirectional overrides that can disguise text. Tabs and line breaks stay.
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from documents or users made safe to print to a terminal (`ask`, the terminal chat, the log). Pure. */
export function forTerminal(text: string): string {
  return text.replace(TERMINAL_CONTROLS, "");
}
