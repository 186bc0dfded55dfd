import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The modules `file` imports for their values (not `import type`, not a dynamic `import()`), as written. */
function valueImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+"([^"]+)";/gms)].map((m) => m[1]!);
}

/** Every module `entry` loads at start-up, following relative imports (src/ files and their packages). */
function loadedAtStart(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of valueImports(file)) {
      if (specifier.startsWith(".")) visit(path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")));
      else packages.add(specifier);
    }
  };
  visit(path.resolve(entry));
  return { files, packages };
}

describe("one process without REDIS_URL", () => {
  it("never loads the Redis client or the queue: src/main.ts reaches src/fleet/fleet.ts only through import()", () => {
    const { files, packages } = loadedAtStart("src/main.ts");
    // The walk does reach the Slack app and the engine, so a missed import would show.
    expect([...files].some((f) => f.endsWith(path.join("src", "slack", "app.ts")))).toBe(true);
    expect(packages).toContain("@slack/bolt");
    expect(packages).not.toContain("ioredis");
    expect(packages).not.toContain("bullmq");
    expect(readFileSync("src/main.ts", "utf8")).toContain('await import("./fleet/fleet.js")');
  });
});
