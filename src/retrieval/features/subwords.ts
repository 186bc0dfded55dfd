/**
 * Soft matching of word pieces: how well a sentence covers the question's pieces, where a piece
 * counts by its closest piece in the sentence (cosine of static piece vectors, counted when the
 * sentence piece is among the question piece's 32 nearest), weighted by how rare
 * the piece is in the corpus. Pure: the vocabulary (USE lite's SentencePiece pieces and input
 * embedding table, src/embeddings/use-lite-pieces.ts) is passed in.
 *
 * Why: exact terms miss "automakers" against "automobile manufacturers", "Chinese" against "China",
 * "negotiators" against "negotiation"; pieces share stems and the vectors place related pieces
 * close. Added to the fusion it raised XQuAD-R R@1 from 0.820 to 0.836 (held-out half 0.851 ->
 * 0.865) with weights retrained for both (0.837 / 0.867 as shipped, with 32 neighbours), and
 * cross-validated by article from 0.815 to 0.829.
 * Measured and worse: USE lite's contextual token states (0.831, and 84 KB per sentence to store),
 * exact piece matches only (0.831), piece weights from the vocabulary's log-probabilities instead of
 * corpus rarity (0.823), pieces weighted by their word's BM25 IDF (0.827), vectors cut to 64
 * dimensions (0.828).
 */

import { STOP_PIECES } from "../../language/english.js";
import { inverseDocumentFrequency } from "../bm25.js";

export interface PieceVocabulary {
  /** Piece ids of one word (no spaces in it), as the tokenizer segments it. */
  segment(word: string): readonly number[];
  /** The piece as written, without its word-start marker. */
  pieceText(id: number): string;
  /** Number of pieces: ids run from 0 to size - 1. */
  readonly size: number;
  /**
   * Cosines of the given pieces with every piece: `size` values for each of `ids`, in order. A
   * vocabulary may give only each piece's nearest neighbours and 0 for the rest (USE lite's does).
   */
  similarities(ids: readonly number[]): Float32Array;
}

/**
 * `similarities` by plain dot products of unit vectors (`dimensions` values per piece, in id order).
 * For small vocabularies; USE lite's 8,002 pieces use precomputed neighbour lists instead.
 */
export function dotProductSimilarities(
  vectors: Float32Array,
  dimensions: number,
  ids: readonly number[],
): Float32Array {
  const size = vectors.length / dimensions;
  const result = new Float32Array(ids.length * size);
  ids.forEach((id, row) => {
    for (let piece = 0; piece < size; piece++) {
      let dot = 0;
      for (let d = 0; d < dimensions; d++) dot += vectors[id * dimensions + d]! * vectors[piece * dimensions + d]!;
      result[row * size + piece] = dot;
    }
  });
  return result;
}

/** Words with many pieces (hostile input, long numbers) add little; the cap keeps scoring bounded. */
const MAX_QUESTION_PIECES = 64;

export class SubwordMatcher {
  /** Every sentence's pieces, back to back; sentence i's run from offsets[i] to offsets[i + 1]. */
  private readonly pieces: Uint16Array;
  private readonly offsets: Uint32Array;
  private readonly documentFrequency: Uint32Array;
  private readonly content: Uint8Array;
  readonly size: number;

  constructor(
    texts: readonly string[],
    private readonly vocabulary: PieceVocabulary,
  ) {
    if (vocabulary.size > 0x10000) throw new Error(`a piece vocabulary of ${vocabulary.size} does not fit 16-bit ids`);
    this.size = texts.length;
    this.offsets = new Uint32Array(texts.length + 1);
    this.documentFrequency = new Uint32Array(vocabulary.size);
    this.content = new Uint8Array(vocabulary.size);
    for (let id = 0; id < vocabulary.size; id++) this.content[id] = isContentPiece(vocabulary.pieceText(id)) ? 1 : 0;
    // Counted per sentence once: the stamp says which sentence last counted a piece.
    const lastCounted = new Int32Array(vocabulary.size).fill(-1);
    const documentFrequency = this.documentFrequency;
    const offsets = this.offsets;
    let buffer = new Uint16Array(Math.max(16, texts.length * 48));
    let used = 0;
    // Words repeat (Zipf), so each is segmented once; dropped after the build to keep memory to the arrays.
    const wordPieces = new Map<string, readonly number[]>();
    for (let sentence = 0; sentence < texts.length; sentence++) {
      // Removed sentences leave holes in an incrementally updated index's array.
      for (const word of words(texts[sentence] ?? "")) {
        let ids = wordPieces.get(word);
        if (!ids) wordPieces.set(word, (ids = vocabulary.segment(word)));
        if (used + ids.length > buffer.length) {
          const grown = new Uint16Array(buffer.length * 2 + ids.length);
          grown.set(buffer);
          buffer = grown;
        }
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          buffer[used++] = id;
          if (lastCounted[id] !== sentence) {
            lastCounted[id] = sentence;
            documentFrequency[id]!++;
          }
        }
      }
      offsets[sentence + 1] = used;
    }
    this.pieces = buffer.slice(0, used);
  }

  /** The question's content pieces with their weights (corpus rarity), in question order. */
  questionPieces(question: string): { readonly id: number; readonly weight: number }[] {
    const found: { id: number; weight: number }[] = [];
    for (const word of words(question)) {
      for (const id of this.vocabulary.segment(word)) {
        if (this.content[id] && found.length < MAX_QUESTION_PIECES) found.push({ id, weight: this.idf(id) });
      }
    }
    return found;
  }

  /**
   * For each sentence id: the weighted mean, over the question's content pieces, of the best cosine
   * between that piece and any piece of the sentence, -1..1; 0 when the question has no content piece.
   */
  scores(question: string, ids: readonly number[]): number[] {
    const asked = this.questionPieces(question);
    const totalWeight = asked.reduce((sum, p) => sum + p.weight, 0);
    if (asked.length === 0 || totalWeight === 0) return ids.map(() => 0);
    // The question's distinct pieces, each with its summed weight.
    const rowOf = new Map<number, number>();
    const rowWeights: number[] = [];
    for (const p of asked) {
      const row = rowOf.get(p.id);
      if (row === undefined) {
        rowOf.set(p.id, rowWeights.length);
        rowWeights.push(p.weight);
      } else rowWeights[row]! += p.weight;
    }
    const rows = rowWeights.length;
    // Rows over the whole vocabulary, so that each sentence piece is one lookup: comparing vectors
    // with the ~2,000 distinct pieces of 100 long candidates took ~25 ms in JavaScript.
    const similarity = this.vocabulary.similarities([...rowOf.keys()]);
    const size = this.vocabulary.size;
    const best = new Float32Array(rows);
    return ids.map((sentence) => {
      best.fill(-1);
      const end = this.offsets[sentence + 1] ?? 0;
      for (let k = this.offsets[sentence] ?? 0; k < end; k++) {
        const piece = this.pieces[k]!;
        for (let row = 0; row < rows; row++) {
          const value = similarity[row * size + piece]!;
          if (value > best[row]!) best[row] = value;
        }
      }
      let sum = 0;
      for (let row = 0; row < rows; row++) sum += rowWeights[row]! * best[row]!;
      return sum / totalWeight;
    });
  }

  private idf(id: number): number {
    const df = this.documentFrequency[id] ?? 0;
    return inverseDocumentFrequency(this.size, df);
  }
}

/**
 * Words as the tokenizer sees them: text split at white space. The tokenizer applies NFKC to each
 * word itself; normalising whole texts first took half of the build over 100,000 sentences, and
 * `\s` already covers the Unicode spaces NFKC would turn into plain ones.
 */
function words(text: string): string[] {
  return text.split(/\s+/u).filter((word) => word.length > 0);
}

/** A piece of at least two characters with a letter or digit that is not a function word. */
export function isContentPiece(piece: string): boolean {
  return piece.length > 1 && /[\p{L}\p{N}]/u.test(piece) && !STOP_PIECES.has(piece.toLowerCase());
}
