/**
 * The surfaces that show the documents rather than answer a question: a new assistant thread's
 * greeting and suggested prompts, and the Home tab.
 */
import { PROMPTS_TITLE, USAGE_HINT } from "./messages.js";
import { suggestedPrompts, type Prompt } from "./prompts.js";
import { renderHome, type Block, type SourcesOverview } from "./render.js";
import { answeredExamples, describe, within, type BotDeps, type SlackClient } from "./deps.js";

export interface AssistantStartArgs {
  readonly say: (message: string) => Promise<unknown>;
  readonly setSuggestedPrompts: (args: {
    prompts: Array<{ title: string; message: string }>;
    title?: string;
  }) => Promise<unknown>;
}

/** Slack's assistant surface: a new thread gets the usage hint and prompts that suit the documents. */
export async function handleAssistantThreadStarted(
  { say, setSuggestedPrompts }: AssistantStartArgs,
  deps: BotDeps,
): Promise<void> {
  try {
    // The greeting goes out at once; only its example waits for an engine that is still loading.
    const prompts = promptsForDocuments(deps);
    await say(USAGE_HINT((await within(prompts, deps.engineWaitMs))?.example));
    await setSuggestedPrompts({ prompts: (await prompts).suggested, title: PROMPTS_TITLE });
  } catch (error) {
    deps.logger.warn(`Could not greet a new assistant thread: ${describe(error)}`);
  }
}

/**
 * Suggested prompts and the example for the usage hint. If the documents cannot be read, the
 * prompts that always work are suggested, with no example, and the reason is logged.
 */
async function promptsForDocuments(deps: BotDeps): Promise<{ suggested: Prompt[]; example: string | undefined }> {
  try {
    const { files, builtAt } = await deps.answers.sources();
    const examples = await answeredExamples(deps, builtAt);
    return {
      suggested: suggestedPrompts(
        examples,
        files.map((f) => f.source),
      ),
      example: examples[0]?.message,
    };
  } catch (error) {
    deps.logger.warn(`Suggesting prompts without the documents, which could not be read: ${describe(error)}`);
    return { suggested: suggestedPrompts([], []), example: undefined };
  }
}

export interface AppHomeArgs {
  readonly event: { readonly user: string; readonly tab?: string };
  readonly client: SlackClient;
}

/**
 * The Home tab, published each time someone opens it, so it always lists the documents as they
 * are indexed now (edits to the corpus are picked up while the bot runs). While the first index is
 * still being built, a "reading the documents" view is published at once, then replaced.
 */
export async function handleAppHomeOpened({ event, client }: AppHomeArgs, deps: BotDeps): Promise<void> {
  if (event.tab !== "home") return;
  const publish = (blocks: Block[]) =>
    client.views
      .publish({ user_id: event.user, view: { type: "home", blocks } })
      .catch((error: unknown) =>
        deps.logger.error(`The Home tab could not be published for ${event.user}: ${describe(error)}`),
      );
  const home = homeBlocks(deps);
  const first = await within(home, deps.engineWaitMs);
  if (first === undefined) await publish(renderHome({ state: "loading" }));
  await publish(first ?? (await home));
}

/** The Home tab as the documents stand; never throws (unreadable documents are logged and shown as unavailable). */
async function homeBlocks(deps: BotDeps): Promise<Block[]> {
  let overview: SourcesOverview;
  try {
    overview = await deps.answers.sources();
  } catch (error) {
    deps.logger.error(`The Home tab could not list the documents: ${describe(error)}`);
    return renderHome({ state: "unavailable" });
  }
  const example = await answeredExamples(deps, overview.builtAt).then(
    (examples) => examples[0]?.message,
    (error: unknown) =>
      void deps.logger.warn(
        `The Home tab shows no example question, as the examples could not be tried: ${describe(error)}`,
      ),
  );
  return renderHome({ state: "ready", overview }, example);
}
