/**
 * Navigation over the indexed sentences as documents: a sentence's neighbours in its file, the
 * header row of its table, the section a heading or lead-in opens, the passage around it, each
 * file's sentences in order. Pure over one build of the index. A file's sentences keep consecutive
 * ids in document order, also after incremental updates (a changed file is re-added as one block),
 * so a sentence's neighbours are the ids next to it that belong to the same file.
 */
import { isLeadIn, leadsIntoNext, startsSection } from "../corpus/reference.js";
import { continuesTable, type Sentence } from "../corpus/split.js";
import { quotedKey } from "./follow-up.js";
import type { CorpusFileSummary } from "./summary.js";

/** "Tell me more" quotes the best sentence for the earlier question with this many before and after it. */
export const PASSAGE_BEFORE = 1;
export const PASSAGE_AFTER = 2;

/** A ranked sentence as navigation needs it: where it is. */
export interface Located {
  readonly id: number;
  readonly sentence: Sentence;
}

export class DocumentView {
  private byFile: Array<CorpusFileSummary & { readonly ids: number[] }> | undefined;

  /**
   * @param sentences indexed by id, with holes where incremental updates removed sentences
   * @param maxSection how many sentences a heading's or lead-in's section may give
   */
  constructor(
    private readonly sentences: readonly Sentence[],
    private readonly maxSection: number,
  ) {}

  /** Sentence `id` when it belongs to file `source`. */
  readonly inFile = (source: string, id: number): Sentence | undefined => {
    const sentence = this.sentences[id];
    return sentence?.source === source ? sentence : undefined;
  };

  readonly previousOf = (hit: {
    readonly id: number;
    readonly sentence: { readonly source: string };
  }): Sentence | undefined => this.inFile(hit.sentence.source, hit.id - 1);

  readonly nextOf = (hit: {
    readonly id: number;
    readonly sentence: { readonly source: string };
  }): Sentence | undefined => this.inFile(hit.sentence.source, hit.id + 1);

  /** The header row of the table holding a body row. */
  readonly headerRowOf = (hit: Located): Sentence | undefined => {
    for (let id = hit.id - 1, below = hit.sentence; ; id--) {
      const above = this.inFile(hit.sentence.source, id);
      if (!above || !continuesTable(above, below)) return undefined;
      if (above.kind === "header-row") return above;
      below = above;
    }
  };

  /**
   * The sentences after a heading, an FAQ question or a lead-in ("To install it, run:"), up to the
   * next heading or question or the end of its file; after a table's header row, its rows.
   */
  readonly sectionAfter = (hit: Located): Sentence[] => {
    const section: Sentence[] = [];
    // What a lead-in introduces comes right after it, whatever it looks like: in a plain-text file a
    // command line has no closing punctuation and would otherwise pass for a heading.
    let afterLeadIn = isLeadIn(hit.sentence);
    // A table's header row leads into its rows, and no further.
    const rowsOnly = hit.sentence.kind === "header-row";
    for (let id = hit.id + 1; section.length < this.maxSection; id++) {
      const sentence = this.inFile(hit.sentence.source, id);
      if (!sentence || (startsSection(sentence) && !afterLeadIn) || (rowsOnly && sentence.kind !== "row")) break;
      section.push(sentence);
      afterLeadIn = isLeadIn(sentence);
    }
    return section;
  };

  /**
   * The sentence before `id` and the ones after it, as far as they are in the same file. Once the
   * ones after it have all been quoted (an answer that cited a list or a heading's section, or an
   * earlier "tell me more"), the passage reads on from where that quoted run ends, as long again:
   * re-quoting the run would tell nothing new. It does not end on a heading, an FAQ's question or a
   * lead-in: cut off from what it introduces, that says nothing, and it opens the next passage instead.
   * Empty at the end of the file.
   */
  passageAround(id: number, quoted: ReadonlySet<string>): Sentence[] {
    const source = this.sentences[id]!.source;
    let runEnd = id;
    while (this.inFile(source, runEnd + 1) && quoted.has(quotedKey(this.sentences[runEnd + 1]!))) runEnd++;
    const readOn = runEnd >= id + PASSAGE_AFTER;
    const start = readOn ? runEnd + 1 : this.inFile(source, id - PASSAGE_BEFORE) ? id - PASSAGE_BEFORE : id;
    const passage: Sentence[] = [];
    for (let other = start; other <= start + PASSAGE_BEFORE + PASSAGE_AFTER; other++) {
      const sentence = this.inFile(source, other);
      if (sentence) passage.push(sentence);
    }
    while (passage.length > 1 && leadsIntoNext(passage[passage.length - 1]!)) passage.pop();
    return passage;
  }

  /** The live sentences grouped by file, in document order, files by name; worked out once. */
  files(): ReadonlyArray<CorpusFileSummary & { readonly ids: readonly number[] }> {
    if (!this.byFile) {
      const byFile = new Map<string, { source: string; sentences: Sentence[]; ids: number[] }>();
      this.sentences.forEach((sentence, id) => {
        let file = byFile.get(sentence.source);
        if (!file) byFile.set(sentence.source, (file = { source: sentence.source, sentences: [], ids: [] }));
        file.sentences.push(sentence);
        file.ids.push(id);
      });
      this.byFile = [...byFile.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    }
    return this.byFile;
  }
}
