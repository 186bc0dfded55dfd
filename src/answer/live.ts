import { statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { describeError } from "../errors.js";
import type { Logger } from "../logger.js";
import {
  createAnswerService,
  type Answer,
  type AnswerService,
  type AnswerServiceOptions,
  type Conversation,
} from "./service.js";

export interface LiveAnswerService extends AnswerService {
  /** Re-reads the corpus and swaps in a new index when it changed; keeps the old one on any failure. */
  reload(): Promise<boolean>;
  /** Stops watching, and resolves once a reload already under way has finished writing its index. */
  close(): Promise<void>;
}

/**
 * An answer service that follows the corpus folder. Changes are picked up in the background: the
 * current index keeps answering while the new one is built, then the two are swapped in one step.
 * If the corpus becomes unreadable (a file deleted mid-write, a binary file dropped in), the last
 * good index keeps serving and the problem is logged in one line.
 */
export async function createLiveAnswerService(
  options: AnswerServiceOptions & {
    readonly watch?: boolean;
    readonly debounceMs?: number;
    readonly recheckMs?: number;
  },
): Promise<LiveAnswerService> {
  const logger: Logger = options.logger;
  let current = await createAnswerService(options);
  let running: Promise<boolean> | undefined;
  let again = false;

  const reloadOnce = async (): Promise<boolean> => {
    try {
      const next = await createAnswerService({ ...options, rebuild: false });
      if (
        next.manifest.corpusHash === current.manifest.corpusHash &&
        next.manifest.builtAt === current.manifest.builtAt
      )
        return false;
      current = next;
      logger.info(
        `Corpus changed; now answering from ${next.manifest.sentenceCount} sentences in ${next.manifest.files.length} file(s).`,
      );
      return true;
    } catch (error) {
      logger.error(`Corpus reload failed; still answering from the last good index: ${describeError(error)}`);
      return false;
    }
  };

  const reload = (): Promise<boolean> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let changed = await reloadOnce();
      while (again) {
        again = false;
        changed = (await reloadOnce()) || changed;
      }
      running = undefined;
      return changed;
    })();
    return running;
  };

  const watcher = options.watch
    ? watchFolder(
        options.config.corpusDir,
        logger,
        () => void reload(),
        options.debounceMs ?? 500,
        options.recheckMs ?? 2_000,
      )
    : undefined;

  return {
    get manifest() {
      return current.manifest;
    },
    answer: (question: string, conversation?: Conversation): Promise<Answer> => current.answer(question, conversation),
    reload,
    close: async () => {
      watcher?.close();
      await running;
    },
  };
}

/** Which folder a path names now: a folder moved away and back, or replaced, is another inode. */
function identityOf(dir: string): string | undefined {
  try {
    const info = statSync(dir);
    return info.isDirectory() ? `${info.dev}:${info.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Watches a folder and its sub-folders, and keeps watching it when it is moved away and back,
 * deleted and made again, or replaced: Node's recursive watcher stops for good once its root is
 * renamed (it reports one "rename" with no file name, then nothing), which left edits unindexed
 * until a restart. The folder's own name is watched in its parent folder, which sees every rename,
 * removal or creation of it (the dead watcher's last event can come late, or not at all, when the
 * folder is moved away and straight back); on any of them the watcher is re-armed, and a check every
 * `recheckMs` catches the rest. Each change of state is logged once, and `onChange` runs after
 * re-arming, since edits made meanwhile were not seen.
 */
export function watchFolder(
  dir: string,
  logger: Logger,
  onChange: () => void,
  debounceMs: number,
  recheckMs: number,
): { close(): void } {
  let watcher: FSWatcher | undefined;
  let parentWatcher: FSWatcher | undefined;
  let watching: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let rearmTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let reportedGone = false;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const stop = () => {
    watcher?.close();
    watcher = undefined;
    watching = undefined;
  };
  const arm = (): boolean => {
    const identity = identityOf(dir);
    if (!identity) return false;
    try {
      watcher = watch(dir, { recursive: true }, (_event, file) => {
        // No file name: the watched folder itself was renamed or removed; this watcher is dead.
        if (!file) rearmSoon();
        else changed();
      });
      watcher.on("error", (error) => {
        logger.warn(`Watching the corpus folder failed (${describeError(error)}); watching it again.`);
        stop();
        if (arm()) changed();
      });
      watching = identity;
      return true;
    } catch (error) {
      logger.warn(`Cannot watch the corpus folder for changes (${describeError(error)}); restart to pick up edits.`);
      closed = true;
      return false;
    }
  };
  const check = (rearm: boolean) => {
    if (closed) return;
    const identity = identityOf(dir);
    if (identity && identity === watching && !rearm) return;
    stop();
    if (!identity) {
      if (!reportedGone)
        logger.warn(`The corpus folder ${dir} is gone; still answering from the last good index until it is back.`);
      reportedGone = true;
      return;
    }
    if (arm()) {
      // Renamed and back in place, replaced, or found again: either way edits may have been missed.
      logger.info(`The corpus folder ${dir} was moved, replaced or re-created; watching it again.`);
      reportedGone = false;
      changed();
    }
  };
  // A burst of events (the dead watcher's, the parent's, away and back) re-arms once.
  const rearmSoon = () => {
    clearTimeout(rearmTimer);
    rearmTimer = setTimeout(() => check(true), 50);
  };
  arm();
  try {
    parentWatcher = watch(path.dirname(dir), (_event, file) => {
      if (file === path.basename(dir)) rearmSoon();
    });
    parentWatcher.on("error", () => {
      parentWatcher?.close();
      parentWatcher = undefined; // the periodic check still runs
    });
  } catch {
    // A parent folder that cannot be watched leaves the periodic check.
  }
  const recheck = setInterval(() => check(false), recheckMs);
  recheck.unref();
  return {
    close: () => {
      closed = true;
      clearInterval(recheck);
      clearTimeout(timer);
      clearTimeout(rearmTimer);
      parentWatcher?.close();
      stop();
    },
  };
}
