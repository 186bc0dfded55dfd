import { describe, expect, it } from "vitest";
import { DocumentView } from "../../src/answer/document-view.js";
import { splitSentences, type Sentence } from "../../src/corpus/split.js";

const guide =
  "# Install\n\nRun the installer. Then restart.\n\n| Step | Command |\n| --- | --- |\n| Build | `make` |\n| Ship | `make ship` |\n";
const notes = "First note. Second note. Third note. Fourth note.";
// As the index holds them: one file's sentences after the other's, ids in document order.
const sentences: Sentence[] = [...splitSentences(guide, "b-guide.md"), ...splitSentences(notes, "a-notes.txt")];
const view = new DocumentView(sentences, 3);
const at = (text: string) => {
  const id = sentences.findIndex((s) => s.text.startsWith(text));
  return { id, sentence: sentences[id]! };
};

describe("DocumentView", () => {
  it("gives a sentence's neighbours within its file only", () => {
    expect(view.previousOf(at("Second note"))?.text).toBe("First note.");
    expect(view.nextOf(at("Second note"))?.text).toBe("Third note.");
    expect(view.previousOf(at("First note"))).toBeUndefined(); // the guide's last row is in another file
    expect(view.nextOf(at("Fourth note"))).toBeUndefined();
  });

  it("gives a heading's section and a table row's header", () => {
    // Up to the next heading, at most 3 (the answer's limit): the table is in the same section.
    const section = view.sectionAfter(at("Install"));
    expect(section.map((s) => s.kind ?? s.text)).toEqual(["Run the installer.", "Then restart.", "header-row"]);
    expect(view.sectionAfter(at("| Step")).map((s) => s.kind)).toEqual(["row", "row"]); // a header row's rows, no further
    expect(view.headerRowOf(at("| Ship"))?.kind).toBe("header-row");
    expect(view.headerRowOf(at("Then restart"))).toBeUndefined();
  });

  it("reads on past what was quoted, and gives the passage around a sentence", () => {
    expect(view.passageAround(at("Second note").id, new Set()).map((s) => s.text)).toEqual([
      "First note.",
      "Second note.",
      "Third note.",
      "Fourth note.",
    ]);
    expect(view.passageAround(at("Fourth note").id, new Set()).map((s) => s.text)).toEqual([
      "Third note.",
      "Fourth note.",
    ]);
  });

  it("lists the files by name, each with its sentences in order and their ids", () => {
    const files = view.files();
    expect(files.map((f) => f.source)).toEqual(["a-notes.txt", "b-guide.md"]);
    expect(files[0]!.sentences.map((s) => s.text)).toEqual([
      "First note.",
      "Second note.",
      "Third note.",
      "Fourth note.",
    ]);
    expect(files[0]!.ids).toEqual([
      at("First note").id,
      at("Second note").id,
      at("Third note").id,
      at("Fourth note").id,
    ]);
    expect(view.files()).toBe(files); // worked out once
  });
});
