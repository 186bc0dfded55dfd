import type { Logger } from "../../src/logger.js";
import { LogLevel } from "../../src/logger.js";

/** Records every log call so tests can assert on what was (or was not) logged. */
export class FakeLogger implements Logger {
  readonly lines: Array<{ level: LogLevel; message: string }> = [];
  getLevel(): LogLevel {
    return LogLevel.DEBUG;
  }
  setLevel(): void {}
  setName(): void {}
  debug(...msg: unknown[]): void {
    this.lines.push({ level: LogLevel.DEBUG, message: msg.map(String).join(" ") });
  }
  info(...msg: unknown[]): void {
    this.lines.push({ level: LogLevel.INFO, message: msg.map(String).join(" ") });
  }
  warn(...msg: unknown[]): void {
    this.lines.push({ level: LogLevel.WARN, message: msg.map(String).join(" ") });
  }
  error(...msg: unknown[]): void {
    this.lines.push({ level: LogLevel.ERROR, message: msg.map(String).join(" ") });
  }
  messages(level?: LogLevel): string[] {
    return this.lines.filter((l) => level === undefined || l.level === level).map((l) => l.message);
  }
}
