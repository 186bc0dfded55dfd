/**
 * The SentencePiece (unigram) tokenizer of USE lite, giving exactly the ids of the tokenizer in
 * `@energetic-ai/embeddings` (a test compares the two on thousands of strings).
 *
 * Why our own: importing that package loads all of TensorFlow.js (~170 ms at start-up, plus its
 * WASM) just for this, and its lattice search copies the rest of the string at every position
 * (quadratic in sentence length). This one walks a trie from each position: same Viterbi search,
 * same tie-breaking and quirks, linear in length times the longest piece.
 */

const SEPARATOR = "\u2581";
/** The vocabulary's first entries (<unk>, <s>, </s>, extra ids) are never produced by the search. */
const RESERVED_SYMBOLS = 6;
const UNKNOWN_ID = 0;

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** Vocabulary index and score when a piece ends here. */
  piece?: { id: number; score: number };
}

export class UseLiteTokenizer {
  private readonly root: TrieNode = { children: new Map() };
  /** Piece lengths in UTF-16 units, as the reference uses when walking back through the lattice. */
  private readonly pieceLengths: number[];

  constructor(vocabulary: readonly (readonly [string, number])[]) {
    this.pieceLengths = vocabulary.map(([piece]) => piece.length);
    for (let id = RESERVED_SYMBOLS; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id]!;
      let node = this.root;
      for (const symbol of piece) {
        let child = node.children.get(symbol);
        if (!child) node.children.set(symbol, (child = { children: new Map() }));
        node = child;
      }
      if (node !== this.root) node.piece = { id, score };
    }
  }

  encode(text: string): number[] {
    const normalized = text.normalize("NFKC");
    const input = normalized.length > 0 ? SEPARATOR + normalized.replace(/ /g, SEPARATOR) : normalized;
    const symbols = Array.from(input);
    const n = symbols.length;
    // Lattice edges by end position, in increasing start order (the reference's visiting order).
    const edges: { start: number; id: number; score: number }[][] = Array.from({ length: n + 1 }, () => []);
    for (let start = 0; start < n; start++) {
      let node = this.root.children.get(symbols[start]!);
      let matched = false;
      for (let end = start + 1; node; end++) {
        if (node.piece) {
          edges[end]!.push({ start, id: node.piece.id, score: node.piece.score });
          matched = true;
        }
        node = end < n ? node.children.get(symbols[end]!) : undefined;
      }
      if (!matched) edges[start + 1]!.push({ start, id: UNKNOWN_ID, score: 0 });
    }
    // Viterbi. As in the reference, a best score of exactly 0 counts as "not set yet", and ties go
    // to the later edge.
    const best = new Float64Array(n + 1);
    const chosen = new Int32Array(n + 1);
    for (let end = 0; end <= n; end++) {
      for (const edge of edges[end]!) {
        const score = edge.score + best[edge.start]!;
        if (best[end] === 0 || score >= best[end]!) {
          best[end] = score;
          chosen[end] = edge.id;
        }
      }
    }
    // Walk back. The reference steps back by the piece's UTF-16 length, not its symbol count; kept
    // so that ids match for text with characters outside the BMP.
    const reversed: number[] = [];
    for (let position = n; position > 0; position -= this.pieceLengths[chosen[position]!]!)
      reversed.push(chosen[position]!);
    const ids: number[] = [];
    for (let i = reversed.length - 1; i >= 0; i--) {
      const id = reversed[i]!;
      // Runs of unknown pieces collapse to one.
      if (id === UNKNOWN_ID && i + 1 < reversed.length && reversed[i + 1] === UNKNOWN_ID) continue;
      ids.push(id);
    }
    return ids;
  }
}
