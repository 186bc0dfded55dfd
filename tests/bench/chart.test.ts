import { describe, expect, it } from "vitest";
import { lineChart } from "../../src/bench/chart.js";

describe("lineChart", () => {
  const svg = lineChart(
    [
      {
        name: "p50 <fast>",
        color: "#111",
        points: [
          [1_000, 2],
          [10_000, 5],
          [100_000, 9],
        ],
      },
      {
        name: "p95",
        color: "#222",
        points: [
          [1_000, 3],
          [10_000, 8],
          [100_000, 30],
        ],
      },
    ],
    { title: "Latency & size", xLabel: "sentences", yLabel: "ms" },
  );

  it("draws one line and one legend entry per series, with escaped labels", () => {
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain("p50 &lt;fast&gt;");
    expect(svg).toContain("Latency &amp; size");
    expect(svg).toContain(">100,000<");
  });

  it("puts larger values higher and larger sizes further right", () => {
    const [first] = [...svg.matchAll(/<path d="M([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+)"/g)];
    const [x1, y1, x2, y2, x3, y3] = first!.slice(1).map(Number);
    expect(x1! < x2! && x2! < x3!).toBe(true);
    expect(y1! > y2! && y2! > y3!).toBe(true);
  });
});
