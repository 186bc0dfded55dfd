import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createBotDeps } from "../../src/slack/deps.js";
import { ASSISTANT_EVENTS, listenerTable } from "../../src/slack/listeners.js";
import { SHORTCUT_ANSWER_IN_THREAD } from "../../src/slack/render.js";
import { FakeLogger } from "../helpers/fake-logger.js";

/**
 * The Slack app manifest must subscribe to every event src/slack/app.ts listens for; an event
 * left out is never delivered, and the feature fails silently in a real workspace.
 */
describe("slack-app-manifest.yml", () => {
  // The table the app registers its listeners from (src/slack/listeners.ts): no source text is read.
  const table = listenerTable(
    createBotDeps(
      {
        answer: async () => {
          throw new Error("unused");
        },
        sources: async () => ({ files: [], builtAt: "" }),
      },
      { append: async () => undefined },
      new FakeLogger(),
      0,
    ),
  );

  it("subscribes to every event the app listens for, and enables the surfaces it uses", async () => {
    const manifest = await readFile("slack-app-manifest.yml", "utf8");
    const subscribed = [...manifest.matchAll(/^\s+- ([a-z_.]+)$/gm)].map((m) => m[1]);
    const listened = [...Object.keys(table.events), ...ASSISTANT_EVENTS];
    expect(listened).toEqual(
      expect.arrayContaining(["app_mention", "message", "app_home_opened", "assistant_thread_started"]),
    );
    for (const event of listened) {
      if (event === "message")
        expect(subscribed).toEqual(expect.arrayContaining(["message.channels", "message.groups", "message.im"]));
      else expect(subscribed).toContain(event);
    }
    expect(manifest).toMatch(/^\s+home_tab_enabled: true$/m);
    expect(manifest).toMatch(/^\s+assistant_view:$/m);
  });

  it("declares every slash command and message shortcut the app handles, under the names it listens for", async () => {
    const manifest = await readFile("slack-app-manifest.yml", "utf8");
    const commands = [...manifest.matchAll(/^\s+- command: (\/\S+)$/gm)].map((m) => m[1]);
    const shortcuts = [...manifest.matchAll(/^\s+- name: .+\n\s+type: message\n\s+callback_id: ([a-z_]+)$/gm)].map(
      (m) => m[1],
    );
    expect(commands.sort()).toEqual(Object.keys(table.commands).sort());
    expect(shortcuts.sort()).toEqual(Object.keys(table.messageShortcuts).sort());
    expect(shortcuts).toEqual([SHORTCUT_ANSWER_IN_THREAD]);
    expect(Object.keys(table.actions).length).toBeGreaterThan(0);
    expect(manifest).toMatch(/^\s+interactivity:\n\s+is_enabled: true$/m);
  });

  it("requests only the scopes the code uses", async () => {
    // What each Web API method the Slack layer calls (and each event it subscribes to) needs, per Slack's method docs.
    const scopesOf: Record<string, readonly string[]> = {
      "chat.postMessage": ["chat:write"],
      "chat.update": ["chat:write"],
      // Reading a thread or a DM's history: one scope per kind of conversation the bot answers in.
      "conversations.history": ["channels:history", "groups:history", "im:history"],
      "conversations.replies": ["channels:history", "groups:history", "im:history"],
      "reactions.add": ["reactions:write"],
      "reactions.remove": ["reactions:write"],
      "views.publish": [],
      "assistant.threads.setStatus": ["assistant:write"],
      "assistant.threads.setSuggestedPrompts": ["assistant:write"],
      app_mention: ["app_mentions:read"],
      "/ask": ["commands"],
    };
    const sources = await Promise.all(
      ["app.ts", "listeners.ts", "handlers.ts", "interactive.ts", "surfaces.ts", "post-once.ts"].map((f) =>
        readFile(`src/slack/${f}`, "utf8"),
      ),
    );
    const code = sources.join("\n");
    const called = new Set([...code.matchAll(/client\.([a-z]+)\.([a-zA-Z]+)\(/g)].map((m) => `${m[1]}.${m[2]}`));
    if (/\bsetStatus\(/.test(code)) called.add("assistant.threads.setStatus");
    if (/\bsetSuggestedPrompts\(/.test(code)) called.add("assistant.threads.setSuggestedPrompts");
    for (const event of Object.keys(table.events)) if (event === "app_mention") called.add("app_mention");
    for (const command of Object.keys(table.commands)) called.add(command);
    for (const method of called) expect(Object.keys(scopesOf), `no scope listed for ${method}`).toContain(method);
    const needed = new Set([...called].flatMap((method) => scopesOf[method] ?? []));
    const manifest = await readFile("slack-app-manifest.yml", "utf8");
    const requested = manifest
      .split("scopes:\n    bot:\n")[1]!
      .split("\nsettings:")[0]!
      .trim()
      .split("\n")
      .map((line) => line.replace(/^\s*- /, ""));
    expect(requested.sort()).toEqual([...needed].sort());
  });
});
