import type { PieceVocabulary } from "../retrieval/features/subwords.js";
import { loadOnce } from "./load-once.js";
import { decodeNeighbours, neighbourSimilarities, type EncodedNeighbours } from "./piece-neighbours.js";
import { useLiteLoadError } from "./use-lite.js";
import { readUseLiteVocabulary, readUseLiteWeight } from "./use-lite-graph.js";
import neighbourFile from "./use-lite-neighbours.json" with { type: "json" };
import { UseLiteTokenizer } from "./use-lite-tokenizer.js";

const WORD_START = "\u2581";

/** USE lite's input embedding table (8,002 x 256) with each row scaled to unit length. */
export function readUnitPieceTable(): { vectors: Float32Array; dimensions: number; size: number } {
  const table = readUseLiteWeight("module/Embeddings_en");
  const [size, dimensions] = table.shape as [number, number];
  const vectors = table.data;
  for (let row = 0; row < size; row++) {
    let norm = 0;
    for (let d = 0; d < dimensions; d++) norm += vectors[row * dimensions + d]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dimensions; d++) vectors[row * dimensions + d]! /= norm;
  }
  return { vectors, dimensions, size };
}

/**
 * USE lite's SentencePiece pieces and their nearest neighbours (precomputed from the model's input
 * embedding table, see piece-neighbours.ts): the vocabulary that soft piece matching uses, whatever
 * model embeds the sentences. Read once per process; no network.
 */
export const loadUseLitePieces: () => Promise<PieceVocabulary> = loadOnce(async () => {
  const vocabulary = readUseLiteVocabulary();
  const tokenizer = new UseLiteTokenizer(vocabulary);
  const neighbours = decodeNeighbours(neighbourFile as EncodedNeighbours);
  // The table has two rows more than the vocabulary has pieces; those ids are never produced.
  if (neighbours.size < vocabulary.length)
    throw new Error(
      `the piece neighbour lists cover ${neighbours.size} pieces, the vocabulary has ${vocabulary.length}`,
    );
  const texts = vocabulary.map(([piece]) => (piece.startsWith(WORD_START) ? piece.slice(1) : piece));
  return {
    segment: (word: string) => tokenizer.encode(word),
    pieceText: (id: number) => texts[id] ?? "",
    size: neighbours.size,
    similarities: (ids: readonly number[]) => neighbourSimilarities(neighbours, ids),
  };
}, useLiteLoadError);
