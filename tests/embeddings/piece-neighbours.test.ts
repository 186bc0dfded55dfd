import { describe, expect, it } from "vitest";
import {
  decodeNeighbours,
  encodeNeighbours,
  nearestNeighbours,
  nearestOf,
  neighbourSimilarities,
  type EncodedNeighbours,
} from "../../src/embeddings/piece-neighbours.js";
import { readUnitPieceTable, loadUseLitePieces } from "../../src/embeddings/use-lite-pieces.js";
import committed from "../../src/embeddings/use-lite-neighbours.json" with { type: "json" };

/** Four unit vectors in the plane: 0 and 1 close, 2 orthogonal to 0, 3 opposite 0. */
const plane = Float32Array.from([1, 0, Math.SQRT1_2, Math.SQRT1_2, 0, 1, -1, 0]);

describe("nearest neighbours of pieces", () => {
  it.each([
    [0, 2, [0, 1], [1, Math.SQRT1_2]],
    [2, 2, [2, 1], [1, Math.SQRT1_2]],
    [3, 3, [3, 2, 1], [1, 0, -Math.SQRT1_2]],
    [1, 4, [1, 0, 2, 3], [1, Math.SQRT1_2, Math.SQRT1_2, -Math.SQRT1_2]],
  ])("piece %i, %i nearest", (piece, count, ids, similarities) => {
    const nearest = nearestOf(plane, 2, piece, count);
    expect(nearest.ids).toEqual(ids);
    nearest.similarities.forEach((s, i) => expect(s).toBeCloseTo(similarities[i]!, 6));
  });

  it("survives encoding for the committed file, to 1/32767", () => {
    const neighbours = nearestNeighbours(plane, 2, 3);
    const decoded = decodeNeighbours(encodeNeighbours(neighbours, "test"));
    expect(decoded.ids).toEqual(neighbours.ids);
    decoded.similarities.forEach((s, i) =>
      expect(Math.abs(s - neighbours.similarities[i]!)).toBeLessThanOrEqual(1 / 32767),
    );
  });

  it("refuses lists whose length does not match what they claim", () => {
    const encoded = encodeNeighbours(nearestNeighbours(plane, 2, 3), "test");
    expect(() => decodeNeighbours({ ...encoded, size: 5 })).toThrow(/expected 15/);
  });

  it("gives a piece's cosines with its neighbours and 0 with the rest", () => {
    const rows = neighbourSimilarities(nearestNeighbours(plane, 2, 2), [0, 3]);
    expect(Array.from(rows).map((x) => Math.round(x * 1000) / 1000)).toEqual([1, 0.707, 0, 0, 0, 0, 0, 1]);
  });
});

describe("the committed USE lite neighbour lists", () => {
  const neighbours = decodeNeighbours(committed as EncodedNeighbours);
  const { vectors, dimensions, size } = readUnitPieceTable();

  it("cover every piece of the table", () => {
    expect(neighbours.size).toBe(size);
    expect(neighbours.perPiece).toBe(32);
  });

  it.each([6, 100, 1234, 4321, 7999])(
    "match the model's table for piece %i (run npm run make:data if not)",
    (piece) => {
      const expected = nearestOf(vectors, dimensions, piece, neighbours.perPiece);
      const ids = Array.from(neighbours.ids.subarray(piece * 32, piece * 32 + 32));
      const similarities = Array.from(neighbours.similarities.subarray(piece * 32, piece * 32 + 32));
      expect(ids).toEqual(expected.ids);
      similarities.forEach((s, i) => expect(s).toBeCloseTo(expected.similarities[i]!, 4));
    },
  );

  it("are what the loaded vocabulary uses", async () => {
    const row = (await loadUseLitePieces()).similarities([1234]);
    const listed = Array.from(neighbours.ids.subarray(1234 * 32, 1235 * 32));
    listed.forEach((id, k) => expect(row[id]).toBeCloseTo(neighbours.similarities[1234 * 32 + k]!, 6));
    expect(row.filter((x) => x !== 0).length).toBeLessThanOrEqual(32);
  });
});
