import path from "node:path";
import { writeFileSync } from "node:fs";
import { CachingEmbeddings } from "../src/embeddings/cache.ts";
import { UseLiteEmbeddings } from "../src/embeddings/use-lite.ts";
import { normalize } from "../src/embeddings/types.ts";
import { buildArticleRetriever } from "../src/eval/evaluate.ts";
import { loadXquadR } from "../src/eval/xquad.ts";
import { featureVectors, type Candidate } from "../src/retrieval/fusion.ts";
import { trainListwise } from "../src/eval/train.ts";
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
const lr = Number(process.argv[2] ?? 2), epochs = Number(process.argv[3] ?? 500), l2 = 0.001, temp = 20;
const w = new Float64Array(D).fill(1);
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
writeFileSync("tmpexp/w.json", JSON.stringify(Array.from(w)));
const denseR1 = (qs: Q[]) => qs.filter((x) => { let best = -1, bs = -Infinity; x.sents.forEach((s, k) => { let d = 0; for (let i = 0; i < D; i++) d += w[i]! * x.q[i]! * s[i]!; if (d > bs) { bs = d; best = k; } }); return best === x.gold; }).length / qs.length;
console.log("dense R@1 dev", denseR1(dev).toFixed(3), "held", denseR1(held).toFixed(3));
// Fused, with the reweighted question vector as the dense side.
const reweighted = { embedQuery: async (t: string) => normalize((await emb.embedQuery(t)).map((x, i) => x * w[i]!)), embedDocuments: (t: string[]) => emb.embedDocuments(t) };
for (const variant of ["plain", "reweighted"]) {
  type C = { cands: Candidate[]; gold: number };
  const d2: C[] = [], h2: C[] = [];
  for (const [i, a] of articles.entries()) {
    const r = await buildArticleRetriever(a.sentences, variant === "plain" ? emb : (Object.assign(Object.create(emb), reweighted) as CachingEmbeddings), { method: "rrf", k: 60 });
    for (const q of a.questions) { const cands = await r.candidates(q.question); (i % 2 === 0 ? d2 : h2).push({ cands, gold: cands.findIndex((c) => c.id === q.gold) }); }
  }
  const wf = trainListwise(d2.filter((q) => q.gold >= 0).map((q) => ({ features: featureVectors(q.cands), gold: q.gold })));
  const r1 = (qs: C[]) => qs.filter((q) => { if (q.gold < 0) return false; const s = featureVectors(q.cands).map((x) => x.reduce((a, v, i) => a + v * wf[i]!, 0)); let best = 0; for (let k = 1; k < s.length; k++) if (s[k]! > s[best]! || (s[k] === s[best] && q.cands[k]!.dense > q.cands[best]!.dense)) best = k; return best === q.gold; }).length / qs.length;
  console.log(variant, "fused dev", r1(d2).toFixed(3), "held", r1(h2).toFixed(3), "all", ((r1(d2) * d2.length + r1(h2) * h2.length) / (d2.length + h2.length)).toFixed(3));
}
