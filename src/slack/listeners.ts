/**
 * Every Slack surface the bot listens on, in one table with its handler: `register` wires the table
 * into the Bolt app, and the manifest test reads the same table to check that slack-app-manifest.yml
 * subscribes to each event and declares each command and shortcut. A new surface is one entry here.
 */
import {
  Assistant,
  type AllMiddlewareArgs,
  type App,
  type SlackActionMiddlewareArgs,
  type SlackCommandMiddlewareArgs,
  type SlackEventMiddlewareArgs,
  type MessageShortcut,
  type SlackShortcutMiddlewareArgs,
} from "@slack/bolt";
import type { BotDeps, SlackClient } from "./deps.js";
import { handleAppMention, handleAssistantMessage, handleMessage } from "./handlers.js";
import {
  handleAskCommand,
  handleFeedback,
  handleMessageShortcut,
  handleShare,
  type ActionArgs,
} from "./interactive.js";
import {
  ACTION_FEEDBACK_HELPFUL,
  ACTION_FEEDBACK_NOT_HELPFUL,
  ACTION_SHARE,
  SHORTCUT_ANSWER_IN_THREAD,
} from "./render.js";
import { handleAppHomeOpened, handleAssistantThreadStarted } from "./surfaces.js";

/**
 * The handlers declare the few Web API methods they call with plain argument objects (so fakes are
 * easy); WebClient's own signatures are unions per method. One cast here, at the boundary.
 */
function narrow(client: unknown): SlackClient {
  return client as SlackClient;
}

/** Set on a queued event's body when a replica died holding it (see BotDeps.redelivered). */
export const REDELIVERED = "citebot_redelivered";

function depsFor(deps: BotDeps, body: unknown): BotDeps {
  return (body as Record<string, unknown> | undefined)?.[REDELIVERED] === true ? { ...deps, redelivered: true } : deps;
}

type EventListener<E extends string> = (args: SlackEventMiddlewareArgs<E> & AllMiddlewareArgs) => Promise<void>;

export interface ListenerTable {
  readonly events: {
    readonly app_mention: EventListener<"app_mention">;
    readonly message: EventListener<"message">;
    readonly app_home_opened: EventListener<"app_home_opened">;
  };
  /** Slack's assistant surface: `assistant_thread_started`, and messages in assistant threads. */
  readonly assistant: Assistant;
  readonly commands: Readonly<Record<string, (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => Promise<void>>>;
  readonly messageShortcuts: Readonly<
    Record<string, (args: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs) => Promise<void>>
  >;
  readonly actions: Readonly<Record<string, (args: SlackActionMiddlewareArgs & AllMiddlewareArgs) => Promise<void>>>;
}

/** Events that `assistant` subscribes to, besides `message.im`. */
export const ASSISTANT_EVENTS = ["assistant_thread_started"] as const;

export function listenerTable(deps: BotDeps): ListenerTable {
  const action =
    (handler: (args: ActionArgs, deps: BotDeps) => Promise<void>) =>
    async (args: SlackActionMiddlewareArgs & AllMiddlewareArgs) =>
      handler(
        {
          ack: () => args.ack(),
          body: args.body as ActionArgs["body"],
          action: args.action as ActionArgs["action"],
          respond: args.respond,
          client: narrow(args.client),
        },
        deps,
      );
  return {
    events: {
      app_mention: async ({ event, client, context, body }) =>
        handleAppMention({ event, client: narrow(client), context, body }, depsFor(deps, body)),
      message: async ({ event, client, context, body }) =>
        handleMessage(
          { event: event as Parameters<typeof handleMessage>[0]["event"], client: narrow(client), context, body },
          depsFor(deps, body),
        ),
      app_home_opened: async ({ event, client }) => handleAppHomeOpened({ event, client: narrow(client) }, deps),
    },
    assistant: new Assistant({
      threadStarted: async ({ say, setSuggestedPrompts }) =>
        handleAssistantThreadStarted({ say, setSuggestedPrompts }, deps),
      userMessage: async ({ message, say, setStatus, body, client, context }) => {
        if (!("ts" in message)) return;
        const m = message as {
          channel: string;
          ts: string;
          thread_ts?: string;
          text?: string;
          user?: string;
          bot_id?: string;
        };
        await handleAssistantMessage(
          {
            message: m,
            eventId: (body as { event_id?: string }).event_id,
            say,
            setStatus,
            client: narrow(client),
            botUserId: context.botUserId,
          },
          depsFor(deps, body),
        );
      },
    }),
    commands: {
      "/ask": async ({ command, ack, respond }) => handleAskCommand({ command, ack: () => ack(), respond }, deps),
    },
    messageShortcuts: {
      [SHORTCUT_ANSWER_IN_THREAD]: async ({ shortcut, ack, respond, client, context }) =>
        handleMessageShortcut({ shortcut, ack: () => ack(), respond, client: narrow(client), context }, deps),
    },
    actions: {
      [ACTION_FEEDBACK_HELPFUL]: action(handleFeedback),
      [ACTION_FEEDBACK_NOT_HELPFUL]: action(handleFeedback),
      [ACTION_SHARE]: action(handleShare),
    },
  };
}

/** Wires the table into the app. */
export function register(app: App, table: ListenerTable): void {
  app.event("app_mention", table.events.app_mention);
  app.assistant(table.assistant);
  app.event("message", table.events.message);
  app.event("app_home_opened", table.events.app_home_opened);
  for (const [name, listener] of Object.entries(table.commands)) app.command(name, listener);
  for (const [callback_id, listener] of Object.entries(table.messageShortcuts))
    app.shortcut<MessageShortcut>({ callback_id, type: "message_action" }, listener);
  for (const [action_id, listener] of Object.entries(table.actions)) app.action(action_id, listener);
}
