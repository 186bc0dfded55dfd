import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GENERATED_FILES } from "../../src/tools/generated.js";

/**
 * Every derived data file is what its sources give today: rebuilt here and compared byte for byte.
 * A change to the tokenizer, the spelling rules or the word lists that leaves a file stale fails
 * here, with the command that fixes it. (The piece neighbours take a minute to rebuild in full;
 * tests/piece-neighbours.test.ts rebuilds a sample of them.)
 */
describe("derived data files are current (npm run make:data rebuilds them)", () => {
  it.each(GENERATED_FILES.filter((g) => !g.file.endsWith("use-lite-neighbours.json")).map((g) => [g.file, g] as const))(
    "%s",
    async (file, generated) => {
      const committed = await readFile(file, "utf8");
      const rebuilt = generated.build();
      expect(rebuilt === committed, `${file} is stale: run npm run make:data`).toBe(true);
    },
  );
});
