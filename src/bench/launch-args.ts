import path from "node:path";

/**
 * `node` arguments that run `entry` (a file under src/ without `.ts`, e.g. "bench/bot-process") the
 * way the npm scripts do, through scripts/launch.mjs: the compiled build when it is current, else
 * the source through tsx. Why: the benchmark's child processes then measure the code users run
 * (`npm start` runs dist/), not tsx's transpiler and its memory.
 */
export function launchArgs(entry: string, ...args: readonly string[]): string[] {
  return [path.resolve("scripts/launch.mjs"), entry, ...args];
}
