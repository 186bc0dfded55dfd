import type { EmbedProgress } from "../embeddings/types.js";

/**
 * Renders progress as "done/total, rate, ETA"; `doneInElapsed` is how many of `done` took `elapsedMs`.
 * Before any rate is known it shows the counts alone: "0 sentences/s" read as a stall. Pure.
 */
export function formatProgress(done: number, total: number, elapsedMs: number, doneInElapsed = done): string {
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  const counts = `Embedding sentences: ${done}/${total} (${percent}%)`;
  const rate = elapsedMs > 0 ? (doneInElapsed * 1000) / elapsedMs : 0;
  if (rate <= 0) return counts;
  if (done >= total) return `${counts}, ${rate.toFixed(0)} sentences/s`;
  return `${counts}, ${rate.toFixed(0)} sentences/s, ${Math.ceil((total - done) / rate)} s left`;
}

/** "[########............]" for a terminal. Pure. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : width;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

/**
 * Progress on stderr: a line redrawn in place on a terminal, a plain line every few seconds otherwise
 * (logs and CI). Small jobs stay quiet.
 */
export function stderrProgress(minTotal = 200, everyMs = 2_000): EmbedProgress {
  // The rate is timed from the first report, not from creation: corpus loading and the model start
  // come before it and would make the first figures look slow ("3 sentences/s, 7 s left").
  let first: { at: number; done: number } | undefined;
  let lastPrinted = 0;
  const tty = process.stderr.isTTY === true;
  return (done, total) => {
    if (total < minTotal) return;
    const now = performance.now();
    first ??= { at: now, done };
    const finished = done >= total;
    if (!finished && now - lastPrinted < (tty ? 100 : everyMs)) return;
    lastPrinted = now;
    const line = formatProgress(done, total, now - first.at, done - first.done);
    if (tty) process.stderr.write(`\r${progressBar(done, total)} ${line}\u001b[K${finished ? "\n" : ""}`);
    else process.stderr.write(`${line}\n`);
  };
}
