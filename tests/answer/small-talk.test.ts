import { describe, expect, it } from "vitest";
import { smallTalk } from "../../src/answer/small-talk.js";

describe("smallTalk", () => {
  it.each([
    ["help", "help"],
    ["Help!", "help"],
    ["?", "help"],
    ["What can you do?", "help"],
    ["how do I use this", "help"],
    ["Who are you?", "help"],
    ["hi", "greeting"],
    ["Hello there 👋", "greeting"],
    ["Good morning!", "greeting"],
    ["hey :wave:", "greeting"],
    ["thanks!", "thanks"],
    ["Thank you so much", "thanks"],
    ["thx :pray:", "thanks"],
    ["Cheers", "thanks"],
    ["ok thanks", "thanks"],
    ["Got it.", "thanks"],
    ["great!", "thanks"],
    ["👍", "thanks"],
    [":+1:", "thanks"],
    ["→ ← !", "thanks"],
    ["🤖🤖🤖?", "help"],
    ["??? ", "help"],
  ])("%j -> %s", (message, kind) => {
    expect(smallTalk(message)).toBe(kind);
  });

  it.each([
    "Who heads China's delegation?",
    "What help did China offer?",
    "Hello Kitty sales in China?",
    "Thanks to whom was the truce extended?",
    "Why?",
    "What can you do about tariffs?",
    "hi, who leads the US team?",
    "OK, who leads the US team?",
    "Great Wall of China?",
    "",
    "   ",
  ])("%j is not small talk", (message) => {
    expect(smallTalk(message)).toBeUndefined();
  });
});
