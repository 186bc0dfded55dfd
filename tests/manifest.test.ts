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
});
