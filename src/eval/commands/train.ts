/**
 * `npm run eval -- --train`: step 2 of training use-lite, the fusion weights, learned listwise on the
 * development half and printed (to be put into DEFAULT_FUSION by hand, after review). The report follows.
 */
import { FEATURE_NAMES } from "../../retrieval/fusion.js";
import { trainingQuestions } from "../evaluate.js";
import type { EvalSetup } from "../setup.js";
import { trainListwise } from "../train.js";

export async function trainFusionCommand({ dev, embeddings }: EvalSetup): Promise<void> {
  const weights = trainListwise(await trainingQuestions(dev, embeddings));
  process.stdout.write(
    `Learned fusion weights (${FEATURE_NAMES.join(", ")}):\n[${weights.map((w) => w.toFixed(3)).join(", ")}]\n`,
  );
}
