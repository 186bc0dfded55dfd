import { watch, type FSWatcher } from "node:fs";
import { describeError } from "../errors.js";
import type { Logger } from "../logger.js";
import { createAnswerService, type Answer, type AnswerService, type AnswerServiceOptions, type Conversation } from "./service.js";

export interface LiveAnswerService extends AnswerService {
  /** Re-reads the corpus and swaps in a new index when it changed; keeps the old one on any failure. */
  reload(): Promise<boolean>;
  close(): void;
}

/**
 * An answer service that follows the corpus folder. Changes are picked up in the background: the
 * current index keeps answering while the new one is built, then the two are swapped in one step.
 * If the corpus becomes unreadable (a file deleted mid-write, a binary file dropped in), the last
 * good index keeps serving and the problem is logged in one line.
 */
export async function createLiveAnswerService(options: AnswerServiceOptions & { readonly watch?: boolean; readonly debounceMs?: number }): Promise<LiveAnswerService> {
  const logger: Logger = options.logger;
  let current = await createAnswerService(options);
  let running: Promise<boolean> | undefined;
  let again = false;

  const reloadOnce = async (): Promise<boolean> => {
    try {
      const next = await createAnswerService({ ...options, rebuild: false });
      if (next.manifest.corpusHash === current.manifest.corpusHash && next.manifest.builtAt === current.manifest.builtAt) return false;
      current = next;
      logger.info(`Corpus changed; now answering from ${next.manifest.sentenceCount} sentences in ${next.manifest.files.length} file(s).`);
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

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch) {
    try {
      watcher = watch(options.config.corpusDir, { recursive: true }, () => {
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), options.debounceMs ?? 500);
      });
      watcher.on("error", (error) => logger.warn(`Stopped watching the corpus folder: ${describeError(error)}`));
    } catch (error) {
      logger.warn(`Cannot watch the corpus folder for changes (${describeError(error)}); restart to pick up edits.`);
    }
  }

  return {
    get manifest() {
      return current.manifest;
    },
    answer: (question: string, conversation?: Conversation): Promise<Answer> => current.answer(question, conversation),
    reload,
    close: () => {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
