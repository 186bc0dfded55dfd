import path from "node:path";
import { CachingEmbeddings } from "../src/embeddings/cache.ts";
import { UseLiteEmbeddings } from "../src/embeddings/use-lite.ts";
import { loadXquadR } from "../src/eval/xquad.ts";
const articles = await loadXquadR("tests/data/xquad-r/en.json");
const emb = new CachingEmbeddings(new UseLiteEmbeddings());
await emb.readFrom(path.join("index", "cache", "eval-use-lite.bin"));
type Q = { q: Float32Array; sents: Float32Array[]; gold: number };
const dev: Q[] = [], held: Q[] = [];
for (const [i, a] of articles.entries()) {
  const sv = (await emb.embedDocuments(a.sentences.map((s) => s.text))).map((v) => Float32Array.from(v));
  const qv = (await emb.embedDocuments(a.questions.map((q) => q.question))).map((v) => Float32Array.from(v));
  a.questions.forEach((q, k) => (i % 2 === 0 ? dev : held).push({ q: qv[k]!, sents: sv, gold: q.gold }));
}
const D = 512;
const r1 = (qs: Q[], w: Float64Array) => qs.filter((x) => { let best = -1, bs = -Infinity; x.sents.forEach((s, k) => { let d = 0; for (let i = 0; i < D; i++) d += w[i]! * x.q[i]! * s[i]!; if (d > bs) { bs = d; best = k; } }); return best === x.gold; }).length / qs.length;
for (const [lr, l2, epochs] of [[0.5, 0.01, 100], [0.5, 0.001, 200], [1, 0.001, 300]] as const) {
  const w = new Float64Array(D).fill(1);
  const temp = 20; // softmax temperature on cosine scale
  for (let e = 0; e < epochs; e++) {
    const g = new Float64Array(D);
    for (let i = 0; i < D; i++) g[i] = l2 * (w[i]! - 1);
    for (const x of dev) {
      const scores = x.sents.map((s) => { let d = 0; for (let i = 0; i < D; i++) d += w[i]! * x.q[i]! * s[i]!; return temp * d; });
      const m = Math.max(...scores); const ex = scores.map((s) => Math.exp(s - m)); const z = ex.reduce((a, b) => a + b, 0);
      x.sents.forEach((s, k) => { const p = ex[k]! / z - (k === x.gold ? 1 : 0); if (Math.abs(p) < 1e-6) return; for (let i = 0; i < D; i++) g[i]! += (temp * p * x.q[i]! * s[i]!) / dev.length; });
    }
    for (let i = 0; i < D; i++) w[i]! -= lr * g[i]!;
  }
  console.log({ lr, l2, epochs }, "dense R@1 dev", r1(dev, w).toFixed(3), "held", r1(held, w).toFixed(3), "(baseline dev", r1(dev, new Float64Array(D).fill(1)).toFixed(3), "held", r1(held, new Float64Array(D).fill(1)).toFixed(3) + ")");
}
