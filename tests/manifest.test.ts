import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { SHORTCUT_ANSWER_IN_THREAD } from "../src/slack/render.js";

/**
 * The Slack app manifest must subscribe to every event src/slack/app.ts listens for; an event
 * left out is never delivered, and the feature fails silently in a real workspace.
 */
describe("slack-app-manifest.yml", () => {
  it("subscribes to every event the app listens for, and enables the surfaces it uses", async () => {
    const [manifest, app] = await Promise.all([readFile("slack-app-manifest.yml", "utf8"), readFile("src/slack/app.ts", "utf8")]);
    const subscribed = [...manifest.matchAll(/^\s+- ([a-z_.]+)$/gm)].map((m) => m[1]);
    const listened = [...app.matchAll(/app\.event\("([a-z_]+)"/g)].map((m) => m[1]!);
    expect(listened).toEqual(expect.arrayContaining(["app_mention", "message", "app_home_opened"]));
    for (const event of listened) {
      if (event === "message") expect(subscribed).toEqual(expect.arrayContaining(["message.channels", "message.groups", "message.im"]));
      else expect(subscribed).toContain(event);
    }
    expect(manifest).toMatch(/^\s+home_tab_enabled: true$/m);
    expect(manifest).toMatch(/^\s+- command: \/ask$/m);
  });

  it("declares every message shortcut the app handles, under the callback id it listens for", async () => {
    const [manifest, app] = await Promise.all([readFile("slack-app-manifest.yml", "utf8"), readFile("src/slack/app.ts", "utf8")]);
    const declared = [...manifest.matchAll(/^\s+- name: .+\n\s+type: message\n\s+callback_id: ([a-z_]+)$/gm)].map((m) => m[1]);
    const handled = [...app.matchAll(/app\.shortcut\(\{ callback_id: (\w+), type: "message_action" \}/g)].map((m) => m[1]!);
    expect(handled).toEqual(["SHORTCUT_ANSWER_IN_THREAD"]);
    expect(declared).toEqual([SHORTCUT_ANSWER_IN_THREAD]);
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
      ["app.ts", "handlers.ts", "interactive.ts", "surfaces.ts", "post-once.ts"].map((f) => readFile(`src/slack/${f}`, "utf8")),
    );
    const code = sources.join("\n");
    const called = new Set([...code.matchAll(/client\.([a-z]+)\.([a-zA-Z]+)\(/g)].map((m) => `${m[1]}.${m[2]}`));
    if (/\bsetStatus\(/.test(code)) called.add("assistant.threads.setStatus");
    if (/\bsetSuggestedPrompts\(/.test(code)) called.add("assistant.threads.setSuggestedPrompts");
    if (/app\.event\("app_mention"/.test(code)) called.add("app_mention");
    if (/app\.command\("\/ask"/.test(code)) called.add("/ask");
    for (const method of called) expect(Object.keys(scopesOf), `no scope listed for ${method}`).toContain(method);
    const needed = new Set([...called].flatMap((method) => scopesOf[method] ?? []));
    const manifest = await readFile("slack-app-manifest.yml", "utf8");
    const requested = manifest.split("scopes:\n    bot:\n")[1]!.split("\nsettings:")[0]!.trim().split("\n").map((line) => line.replace(/^\s*- /, ""));
    expect(requested.sort()).toEqual([...needed].sort());
  });
});
