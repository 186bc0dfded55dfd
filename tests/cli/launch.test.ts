import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { chooseEntry, newestMtime } from "../../scripts/launch.mjs";

describe("chooseEntry", () => {
  it.each([
    { case: "no build yet", newest: 1000, built: undefined, runtime: "tsx", file: "src/cli/ask.ts" },
    { case: "a source edited after the build", newest: 2000, built: 1000, runtime: "tsx", file: "src/cli/ask.ts" },
    { case: "build newer than every source", newest: 1000, built: 2000, runtime: "dist", file: "dist/cli/ask.js" },
    {
      case: "build started the moment of the last edit",
      newest: 1000,
      built: 1000,
      runtime: "dist",
      file: "dist/cli/ask.js",
    },
  ])("$case -> $runtime", ({ newest, built, runtime, file }) => {
    expect(chooseEntry("cli/ask", newest, built)).toEqual({ runtime, file });
  });
});

describe("newestMtime", () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("finds the latest file anywhere in the tree", () => {
    dir = mkdtempSync(path.join(tmpdir(), "citebot-launch-"));
    mkdirSync(path.join(dir, "a", "b"), { recursive: true });
    const files = { "top.ts": 1_000, "a/mid.ts": 3_000, "a/b/deep.ts": 5_000 };
    for (const [name, seconds] of Object.entries(files)) {
      const file = path.join(dir, name);
      writeFileSync(file, "");
      utimesSync(file, seconds, seconds);
    }
    expect(newestMtime(dir)).toBe(5_000_000);
  });
});

describe("scripts/launch.mjs", () => {
  const launch = (...args: string[]) =>
    spawnSync(process.execPath, [path.resolve("scripts/launch.mjs"), ...args], { encoding: "utf8" });

  it("passes the command its own arguments, whichever runtime it picks", () => {
    const run = launch("cli/ask", "");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("The question is empty");
  });

  it.each([[], ["cli/nope"], ["../package"]])("refuses an unknown command %j with a usage line", (...args) => {
    const run = launch(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^No command .*Usage: node scripts\/launch\.mjs/);
  });
});

describe("scripts/launch.mjs outside this checkout (no node_modules, so no tsx)", () => {
  let root: string | undefined;
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  /** A project with one command, `cli/echo`, as source and optionally as a build. */
  function project(build: "none" | "fresh" | "stale"): string {
    root = mkdtempSync(path.join(tmpdir(), "citebot-launch-project-"));
    mkdirSync(path.join(root, "scripts"));
    copyFileSync(path.resolve("scripts/launch.mjs"), path.join(root, "scripts/launch.mjs"));
    mkdirSync(path.join(root, "src/cli"), { recursive: true });
    writeFileSync(path.join(root, "src/cli/echo.ts"), "console.log('source');\n");
    utimesSync(path.join(root, "src/cli/echo.ts"), 1_000, 1_000);
    if (build !== "none") {
      mkdirSync(path.join(root, "dist/cli"), { recursive: true });
      writeFileSync(path.join(root, "dist/cli/echo.js"), "console.log(JSON.stringify(process.argv.slice(2)));\n");
      writeFileSync(path.join(root, "dist/.built"), "");
      const stamp = build === "fresh" ? 2_000 : 500;
      utimesSync(path.join(root, "dist/.built"), stamp, stamp);
    }
    return root;
  }
  const run = (dir: string) =>
    spawnSync(process.execPath, [path.join(dir, "scripts/launch.mjs"), "cli/echo", "--json", "a b"], {
      cwd: dir,
      encoding: "utf8",
    });

  it("runs a current build without tsx, with the command's arguments", () => {
    const result = run(project("fresh"));
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(["--json", "a b"]);
  });

  it("runs a command that itself imports the launcher (as the benchmark does) instead of stalling", () => {
    const dir = project("fresh");
    writeFileSync(
      path.join(dir, "dist/cli/echo.js"),
      "const { chooseEntry } = await import('../../scripts/launch.mjs');\nconsole.log(JSON.stringify(chooseEntry('cli/echo', 1, 2)));\n",
    );
    const result = run(dir);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ runtime: "dist", file: "dist/cli/echo.js" });
  });

  it.each(["none", "stale"] as const)(
    "with build %s and no tsx, says how to fix it instead of a stack trace",
    (build) => {
      const result = run(project(build));
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        "dist/ is missing or older than src/, and tsx is not installed to run the source: run `npm ci` with dev dependencies (it builds dist/).\n",
      );
    },
  );
});
