/**
 * `npm run eval -- --calibrate`: step 3 of training, the "not found" rule re-derived on the
 * development half and the off-topic calibration set, and printed; for use-lite also the
 * answerability model, written to src/answer/use-lite-answerability.json. The report follows.
 */
import { writeFile } from "node:fs/promises";
import { serializeAnswerability } from "../../answer/answerability.js";
import type { AbstentionRule } from "../../answer/compose.js";
import { DEFAULT_EMBEDDING_MODEL } from "../../config.js";
import { fitAnswerability, questionHits } from "../answerability-data.js";
import { ANSWERABILITY_FILE } from "../data-files.js";
import type { QuestionOutcome, Ranking } from "../evaluate.js";
import { calibrate } from "../fitting.js";
import { articleTops, halves, pct } from "../sections.js";
import type { EvalSetup } from "../setup.js";

export async function calibrateCommand(
  { dev, embeddings, offCalibration, model }: EvalSetup,
  shipped: readonly QuestionOutcome[][],
  ranking: Ranking,
  rule: AbstentionRule,
): Promise<void> {
  const answerableSignals = shipped.map((a) => a.map((o) => o.top!));
  const offSignals = (await articleTops(offCalibration, embeddings, ranking)).filter((top) => top !== undefined);
  const best = calibrate(halves(answerableSignals).dev.flat(), offSignals);
  if (model === DEFAULT_EMBEDDING_MODEL) {
    const learned = fitAnswerability(questionHits(dev, halves(shipped).dev), { ...rule, answerability: undefined });
    await writeFile(
      ANSWERABILITY_FILE,
      `${JSON.stringify({ modelId: model, note: "npm run eval -- --calibrate: learned on the XQuAD-R development half", ...serializeAnswerability(learned) }, null, 1)}\n`,
    );
    process.stdout.write(
      `Learned the answerability model (warning below ${learned.warnBelow.toFixed(3)}); wrote ${ANSWERABILITY_FILE}.\n`,
    );
  }
  process.stdout.write(
    `Calibrated abstention for ${model}: denseWeight ${best.denseWeight}, threshold ${best.threshold.toFixed(3)} (off-topic abstained ${pct(best.abstained)}, gap ${best.gap.toFixed(3)})\n` +
      `Weak-match warning below ${best.lowConfidenceBelow.toFixed(3)} (the development half's 10th percentile).\n` +
      `To use it, set in .env: ABSTENTION_DENSE_WEIGHT=${best.denseWeight} ABSTENTION_THRESHOLD=${best.threshold.toFixed(3)} LOW_CONFIDENCE_BELOW=${best.lowConfidenceBelow.toFixed(3)}\n`,
  );
}
