#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so `npm ci` runs it): compiles src/ to dist/ with tsc, copies the
 * plain-JavaScript worker files tsc does not emit, and writes the stamp scripts/launch.mjs
 * compares against src/.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD_STAMP } from "./launch.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

// The stamp carries the build's start time: a source edited while tsc runs makes the build stale.
const started = new Date();
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  // `npm ci --omit=dev` runs this too; an existing build stays usable, so skipping is not an error.
  process.stderr.write("TypeScript is not installed (dev dependencies omitted?); dist/ was not rebuilt.\n");
  process.exit(0);
}
rmSync(path.join(ROOT, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], { stdio: "inherit" });

function copyPlainJavaScript(dir) {
  for (const item of readdirSync(path.join(ROOT, "src", dir), { withFileTypes: true })) {
    const relative = path.join(dir, item.name);
    if (item.isDirectory()) copyPlainJavaScript(relative);
    else if (item.name.endsWith(".mjs")) {
      mkdirSync(path.join(ROOT, "dist", dir), { recursive: true });
      copyFileSync(path.join(ROOT, "src", relative), path.join(ROOT, "dist", relative));
    }
  }
}
copyPlainJavaScript("");
const stamp = path.join(ROOT, BUILD_STAMP);
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
