/**
 * Nearest neighbours of every word piece in USE lite's input embedding table, precomputed
 * (`npm run make:data` writes use-lite-neighbours.json) so that soft piece matching
 * needs no matrix product at answer time.
 *
 * Why precomputed: a question's pieces compared with all 8,002 pieces is ~14M multiply-adds, about
 * 40 ms in JavaScript here; as an onnxruntime MatMul it took 0.5 ms alone but added ~3.4 ms to every
 * warm answer (7.6-7.9 against 4.2-4.7 ms p50), two sessions' thread pools competing for two cores.
 * Keeping each piece's 32 nearest (cosine) and counting the rest as 0 scored the same on XQuAD-R
 * (R@1 0.837 against 0.836 with every cosine; 16 neighbours 0.836, 8 neighbours 0.834).
 */
export const NEIGHBOURS_PER_PIECE = 32;

export interface PieceNeighbours {
  readonly size: number;
  readonly perPiece: number;
  /** Piece i's neighbours are ids[i * perPiece ...], nearest first (the piece itself first). */
  readonly ids: Uint16Array;
  readonly similarities: Float32Array;
}

/** The committed file's form: ids as little-endian uint16, cosines as int16 / 32767, both base64. */
export interface EncodedNeighbours {
  readonly source: string;
  readonly size: number;
  readonly perPiece: number;
  readonly ids: string;
  readonly similarities: string;
}

/** Every piece's `perPiece` largest cosines among `size` unit vectors (~1 minute for USE lite's table). */
export function nearestNeighbours(
  vectors: Float32Array,
  dimensions: number,
  perPiece = NEIGHBOURS_PER_PIECE,
): PieceNeighbours {
  const size = vectors.length / dimensions;
  const ids = new Uint16Array(size * perPiece);
  const similarities = new Float32Array(size * perPiece);
  for (let piece = 0; piece < size; piece++) {
    const nearest = nearestOf(vectors, dimensions, piece, perPiece);
    ids.set(nearest.ids, piece * perPiece);
    similarities.set(nearest.similarities, piece * perPiece);
  }
  return { size, perPiece, ids, similarities };
}

/** One piece's `count` nearest, nearest first: the piece itself, then by cosine, ties by lower id. */
export function nearestOf(
  vectors: Float32Array,
  dimensions: number,
  piece: number,
  count: number,
): { ids: number[]; similarities: number[] } {
  const size = vectors.length / dimensions;
  const ids: number[] = [piece];
  const similarities: number[] = [1];
  for (let other = 0; other < size; other++) {
    if (other === piece) continue;
    let dot = 0;
    for (let d = 0; d < dimensions; d++) dot += vectors[piece * dimensions + d]! * vectors[other * dimensions + d]!;
    if (ids.length === count && dot <= similarities[count - 1]!) continue;
    // Insertion into the short sorted list; ids come in increasing order, so equal cosines keep the lower id first.
    let at = similarities.length;
    while (at > 1 && similarities[at - 1]! < dot) at--;
    ids.splice(at, 0, other);
    similarities.splice(at, 0, dot);
    if (ids.length > count) {
      ids.pop();
      similarities.pop();
    }
  }
  return { ids, similarities };
}

export function encodeNeighbours(neighbours: PieceNeighbours, source: string): EncodedNeighbours {
  const quantized = Int16Array.from(neighbours.similarities, (s) => Math.round(Math.max(-1, Math.min(1, s)) * 32767));
  return {
    source,
    size: neighbours.size,
    perPiece: neighbours.perPiece,
    ids: Buffer.from(neighbours.ids.buffer, neighbours.ids.byteOffset, neighbours.ids.byteLength).toString("base64"),
    similarities: Buffer.from(quantized.buffer).toString("base64"),
  };
}

export function decodeNeighbours(encoded: EncodedNeighbours): PieceNeighbours {
  const count = encoded.size * encoded.perPiece;
  const idBytes = Buffer.from(encoded.ids, "base64");
  const similarityBytes = Buffer.from(encoded.similarities, "base64");
  if (idBytes.length !== count * 2 || similarityBytes.length !== count * 2) {
    throw new Error(
      `piece neighbour lists hold ${idBytes.length / 2} ids and ${similarityBytes.length / 2} cosines, expected ${count}`,
    );
  }
  // Copied into fresh buffers: a base64 decode need not be 2-byte aligned.
  const ids = new Uint16Array(new Uint8Array(idBytes).buffer);
  const quantized = new Int16Array(new Uint8Array(similarityBytes).buffer);
  return {
    size: encoded.size,
    perPiece: encoded.perPiece,
    ids,
    similarities: Float32Array.from(quantized, (q) => q / 32767),
  };
}

/** `PieceVocabulary.similarities` (src/retrieval/features/subwords.ts) from neighbour lists: a piece's cosines with its neighbours, 0 elsewhere. */
export function neighbourSimilarities(neighbours: PieceNeighbours, pieces: readonly number[]): Float32Array {
  const { size, perPiece } = neighbours;
  const result = new Float32Array(pieces.length * size);
  pieces.forEach((piece, row) => {
    if (piece < 0 || piece >= size) return;
    for (let k = 0; k < perPiece; k++) {
      result[row * size + neighbours.ids[piece * perPiece + k]!] = neighbours.similarities[piece * perPiece + k]!;
    }
  });
  return result;
}
