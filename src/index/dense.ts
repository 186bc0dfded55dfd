import { Document } from "@langchain/core/documents";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import type { Sentence } from "../corpus/split.js";
import type { CiteBotEmbeddings } from "../embeddings/types.js";
import type { ScoredId } from "../retrieval/bm25.js";

/** Nearest-neighbour search over sentence vectors, as the retriever needs it. */
export interface DenseIndex {
  readonly size: number;
  search(vector: readonly number[], k: number): Promise<ScoredId[]>;
  /** Cosine similarity of the query to one stored sentence (for candidates only BM25 found). */
  cosine(vector: readonly number[], id: number): number;
}

/**
 * Up to this many vectors (an article or a few hundred), `ef` is the collection size, which makes
 * HNSW visit every reachable node: results equal exact search. Above it, a fixed wide beam keeps
 * recall high at a fraction of the cost (at 10k sentences ef = size took 9 ms a query).
 */
export const EXACT_SEARCH_LIMIT = 2_000;
/** Measured by `npm run bench`: recall@10 against exact search at 10k and 100k sentences. */
export const LARGE_INDEX_EF = 200;

/** A sentence as stored beside its vector: everything but the text (LangChain's pageContent), plus its id. */
export interface SentenceMetadata extends Omit<Sentence, "text"> {
  readonly id: number;
}

export function sentenceToDocument(sentence: Sentence, id: number): Document<SentenceMetadata> {
  const { text, source, lineStart, lineEnd, charStart, charEnd, kind, searchText } = sentence;
  return new Document({ pageContent: text, metadata: { id, source, lineStart, lineEnd, charStart, charEnd, ...(kind ? { kind } : {}), ...(searchText ? { searchText } : {}) } });
}

export function documentToSentence(document: Document): Sentence {
  const m = document.metadata as SentenceMetadata;
  const sentence = { text: document.pageContent, source: m.source, lineStart: m.lineStart, lineEnd: m.lineEnd, charStart: m.charStart, charEnd: m.charEnd };
  return { ...sentence, ...(m.kind ? { kind: m.kind } : {}), ...(m.searchText ? { searchText: m.searchText } : {}) };
}

/** LangChain's HNSWLib store (hnswlib-node), with ef set for exact results at corpus sizes we serve. */
export class HnswDenseIndex implements DenseIndex {
  constructor(readonly store: HNSWLib) {
    this.tuneEf();
  }

  private tuneEf(): void {
    const count = this.store.index.getCurrentCount();
    this.store.index.setEf(count <= EXACT_SEARCH_LIMIT ? Math.max(count, 10) : LARGE_INDEX_EF);
  }

  /** Adds sentences under labels first, first + 1, ... (HNSWLib numbers new vectors from its current count). */
  async add(vectors: number[][], sentences: readonly Sentence[], first: number): Promise<void> {
    if (vectors.length === 0) return;
    if (first !== this.size) throw new Error(`new labels must start at ${this.size}, not ${first}`);
    await this.store.addVectors(vectors, sentences.map((s, i) => sentenceToDocument(s, first + i)));
    this.tuneEf();
  }

  /** Tombstones a sentence: it is never returned again and leaves the saved docstore. */
  remove(label: number): void {
    this.store.index.markDelete(label);
    (this.store.docstore as unknown as { _docs: Map<string, Document> })._docs.delete(String(label));
  }

  static async fromVectors(vectors: number[][], sentences: readonly Sentence[], embeddings: CiteBotEmbeddings): Promise<HnswDenseIndex> {
    const store = new HNSWLib(embeddings, { space: "cosine", numDimensions: vectors[0]?.length ?? embeddings.dimensions });
    await store.addVectors(vectors, sentences.map(sentenceToDocument));
    return new HnswDenseIndex(store);
  }

  get size(): number {
    return this.store.index.getCurrentCount();
  }

  async search(vector: readonly number[], k: number): Promise<ScoredId[]> {
    const limit = Math.min(k, this.size);
    if (limit === 0) return [];
    const results = await this.store.similaritySearchVectorWithScore([...vector], limit);
    // hnswlib's cosine space returns distance = 1 - cosine.
    return results.map(([document, distance]) => ({ id: (document.metadata as SentenceMetadata).id, score: 1 - distance }));
  }

  /** The stored (unit) vector of a live sentence. */
  vectorOf(id: number): number[] {
    return this.store.index.getPoint(id);
  }

  cosine(vector: readonly number[], id: number): number {
    const point = this.store.index.getPoint(id);
    let dot = 0;
    for (let i = 0; i < point.length; i++) dot += point[i]! * vector[i]!;
    return dot;
  }

  /** The stored sentences by label, as saved in LangChain's docstore; removed ones leave holes. */
  sentences(): Sentence[] {
    const docs = (this.store.docstore as unknown as { _docs: Map<string, Document> })._docs;
    const sentences: Sentence[] = new Array(this.size);
    for (const [key, document] of docs) sentences[Number(key)] = documentToSentence(document);
    return sentences;
  }
}
