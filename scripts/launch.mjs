#!/usr/bin/env node
/**
 * Starts one of CiteBot's commands: `node scripts/launch.mjs cli/ask --json "question"`.
 *
 * It runs the compiled JavaScript in dist/ when that build is newer than every file in src/, and
 * the TypeScript source through tsx otherwise. Why: tsx transpiles every module at start, which
 * cost about 0.6 s of a 1.6 s `ask` cold start here; the compiled build starts in about 1 s. The
 * fallback keeps an edited checkout correct without anyone remembering to rebuild.
 *
 * `npm ci` builds dist/ (the `prepare` script); `npm run build` rebuilds it by hand.
 * Plain JavaScript, because it has to run before anything can load TypeScript.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Written last by `npm run build`, so its time is when the build finished. */
export const BUILD_STAMP = "dist/.built";

/**
 * Which file to run for `entry` ("cli/ask"). Pure: `newestSourceMs` is the latest modification
 * time under src/, `builtAtMs` the build stamp's (undefined when there is no build).
 */
export function chooseEntry(entry, newestSourceMs, builtAtMs) {
  if (builtAtMs !== undefined && newestSourceMs <= builtAtMs) return { runtime: "dist", file: `dist/${entry}.js` };
  return { runtime: "tsx", file: `src/${entry}.ts` };
}

/** Latest modification time of any file under `dir`, in milliseconds. */
export function newestMtime(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(root) {
  try {
    return statSync(path.join(root, BUILD_STAMP)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function main() {
  const entry = process.argv[2];
  if (!entry || !/^[\w/-]+$/.test(entry) || !existsSync(path.join(ROOT, "src", `${entry}.ts`))) {
    process.stderr.write(
      `No command "${entry ?? ""}". Usage: node scripts/launch.mjs <file under src/ without .ts, e.g. cli/ask> [arguments]\n`,
    );
    process.exit(2);
  }
  const choice = chooseEntry(entry, newestMtime(path.join(ROOT, "src")), builtAt(ROOT));
  // The command reads its own arguments from process.argv.slice(2).
  process.argv.splice(2, 1);
  if (choice.runtime === "tsx") {
    let register;
    try {
      ({ register } = await import("tsx/esm/api"));
    } catch {
      process.stderr.write(
        "dist/ is missing or older than src/, and tsx is not installed to run the source: run `npm ci` with dev dependencies (it builds dist/).\n",
      );
      process.exit(1);
    }
    register();
  }
  await import(pathToFileURL(path.join(ROOT, choice.file)).href);
}

// Not a top-level await: a command that itself imports this module (the benchmark reads chooseEntry)
// would then wait on a module still waiting on it, and Node exits with code 13, running nothing.
// A rejection still ends the process with its error, as an unhandled one does.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
