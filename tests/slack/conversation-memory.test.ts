import { describe, expect, it } from "vitest";
import { MAX_QUOTED } from "../../src/answer/follow-up.js";
import {
  CONVERSATION_EVENT_TYPE,
  MAX_METADATA_CHARS,
  conversationMetadata,
  quotedFromMessages,
  type MessageWithMetadata,
} from "../../src/slack/conversation-memory.js";

const reply = (
  ts: string,
  topic: string,
  quoted: unknown,
  user = "UBOT",
  eventType = CONVERSATION_EVENT_TYPE,
): MessageWithMetadata => ({
  user,
  ts,
  metadata: {
    event_type: eventType,
    event_payload: { topic, quoted: typeof quoted === "string" ? quoted : JSON.stringify(quoted) },
  },
});

describe("conversation metadata", () => {
  it("round-trips a state through a reply's metadata", () => {
    const metadata = conversationMetadata({ topic: "Who leads?", quoted: ["a.txt\nk1", "a.txt\nk2"] });
    expect(metadata.event_type).toBe(CONVERSATION_EVENT_TYPE);
    expect(quotedFromMessages([{ user: "UBOT", ts: "1.5", metadata }], "2.0", "UBOT", "Who leads?")).toEqual([
      "a.txt\nk1",
      "a.txt\nk2",
    ]);
  });

  it("leaves out the oldest quoted sentences to stay small", () => {
    const quoted = Array.from(
      { length: MAX_QUOTED },
      (_, i) => `${"corpus/a-very-long-folder-name/".repeat(4)}file.txt\nkey${i}`,
    );
    const metadata = conversationMetadata({ topic: "t", quoted });
    expect(JSON.stringify(metadata.event_payload).length).toBeLessThanOrEqual(MAX_METADATA_CHARS);
    const kept = JSON.parse(metadata.event_payload.quoted) as string[];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.at(-1)).toBe(quoted.at(-1));
  });

  it.each<[string, MessageWithMetadata[], string[]]>([
    [
      "the latest reply about the topic wins",
      [reply("1.1", "t", ["k1"]), reply("1.2", "t", ["k1", "k2"])],
      ["k1", "k2"],
    ],
    [
      "a reply about another topic since then resets it",
      [reply("1.1", "t", ["k1"]), reply("1.2", "other", ["k9"])],
      [],
    ],
    [
      "replies at or after the question are not read",
      [reply("1.1", "t", ["k1"]), reply("3.0", "t", ["k1", "k2"])],
      ["k1"],
    ],
    ["another user's or app's metadata is ignored", [reply("1.1", "t", ["k1"], "UOTHER")], []],
    ["another event type is ignored", [reply("1.1", "t", ["k1"], "UBOT", "task_created")], []],
    ["a malformed payload gives nothing", [reply("1.1", "t", "{not json")], []],
    ["non-string keys are dropped", [reply("1.1", "t", ["k1", 7, null])], ["k1"]],
    ["no metadata at all", [{ user: "UBOT", ts: "1.1" }], []],
  ])("%s", (_name, messages, expected) => {
    expect(quotedFromMessages(messages, "2.0", "UBOT", "t")).toEqual(expected);
  });

  it("reads nothing when the bot's own user id is unknown", () => {
    expect(quotedFromMessages([reply("1.1", "t", ["k1"])], "2.0", undefined, "t")).toEqual([]);
  });
});
