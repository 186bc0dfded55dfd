import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describeError, ErrorCode, isCiteBotError } from "../errors.js";
import { parseOptions, type OptionSpec } from "./args.js";

/**
 * Runs a command's main function: its number is the exit code; a failure prints one line (code and
 * how to fix it, never a stack trace) and exits 1, or `configExitCode` for invalid configuration.
 */
export function runCommand(main: () => Promise<number | void>, configExitCode = 2): void {
  main().then(
    (code) => {
      if (typeof code === "number") process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${describeError(error)}\n`);
      // A questions file is input the command was given, like its options: a mistake in it is bad usage.
      const usage =
        isCiteBotError(error, ErrorCode.ConfigInvalid) || isCiteBotError(error, ErrorCode.QuestionsFileInvalid);
      process.exitCode = usage ? configExitCode : 1;
    },
  );
}

/** Writes a Markdown report (creating its folder) and echoes it with where it went. */
export async function publishReport(file: string, report: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, report);
  process.stdout.write(`${report}\nWritten to ${file}\n`);
}

/**
 * A command's options from its arguments, or the exit code when there is nothing to run: 0 after
 * printing the usage for --help, 2 after a usage error (with the usage).
 */
export function readOptions(
  argv: readonly string[],
  spec: OptionSpec,
  usage: string,
): { flags: ReadonlySet<string>; values: Readonly<Record<string, unknown>> } | number {
  const parsed = parseOptions(argv, spec);
  if (parsed.kind === "help") {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (parsed.kind === "usage-error") {
    process.stderr.write(`${parsed.message}\n${usage}\n`);
    return 2;
  }
  return { flags: parsed.flags, values: parsed.values };
}
