import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

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
});
