/** `npm run make:data`: rebuilds every derived data file (src/tools/generated.ts) and says which changed. */
import { runCommand } from "../cli/run.js";
import { GENERATED_FILES, regenerate } from "./generated.js";

async function main(): Promise<void> {
  const rewritten = await regenerate();
  for (const generated of GENERATED_FILES) {
    process.stdout.write(
      `${rewritten.includes(generated.file) ? "rewrote" : "current"}  ${generated.file}  (${generated.what})\n`,
    );
  }
}

runCommand(main);
