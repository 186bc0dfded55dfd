import { format } from "node:util";
import type { Logger } from "@slack/logger";
import { LogLevel } from "@slack/logger";
import { dropControlCharacters } from "./control-characters.js";

export type { Logger };
export { LogLevel };

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * The one logger every service receives. It writes to stderr so that stdout stays clean for
 * answers (the CLI's JSON contract depends on it). It implements Bolt's Logger interface so the
 * Slack app can use the same instance.
 */
export class StderrLogger implements Logger {
  private level: LogLevel;
  private name: string;
  private sink: ((line: string) => void) | undefined;
  constructor(level: LogLevel = LogLevel.INFO, name = "citebot") {
    this.level = level;
    this.name = name;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  setLevel(level: LogLevel): void {
    this.level = level;
  }
  setName(name: string): void {
    this.name = name;
  }
  /** Sends lines somewhere other than straight to stderr (the terminal chat prints them above its prompt); undefined restores stderr. */
  setSink(sink: ((line: string) => void) | undefined): void {
    this.sink = sink;
  }
  debug(...msg: unknown[]): void {
    this.write(LogLevel.DEBUG, msg);
  }
  info(...msg: unknown[]): void {
    this.write(LogLevel.INFO, msg);
  }
  warn(...msg: unknown[]): void {
    this.write(LogLevel.WARN, msg);
  }
  error(...msg: unknown[]): void {
    this.write(LogLevel.ERROR, msg);
  }
  private write(level: LogLevel, msg: unknown[]): void {
    if (order[level] < order[this.level]) return;
    // Messages can carry file names and Slack text: nothing in them may drive the operator's terminal.
    const line = `[${level.toUpperCase()}] ${this.name}: ${dropControlCharacters(format(...msg))}\n`;
    if (this.sink) this.sink(line);
    else process.stderr.write(line);
  }
}

/** A logger that records nothing; for callers that truly do not care. */
export class SilentLogger implements Logger {
  getLevel(): LogLevel {
    return LogLevel.ERROR;
  }
  setLevel(): void {}
  setName(): void {}
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
}
