/**
 * `EMBEDDING_MODEL=<id> npm run eval -- --fit`: the three training steps for a model other than
 * use-lite, written beside the model (MODELS_DIR/<id>/citebot-fit.json). The report follows, with the new fit.
 */
import { fitFileOf, type ModelFit } from "../../answer/model-fit.js";
import { fitModel } from "../fitting.js";
import type { EvalSetup } from "../setup.js";

export async function fitCommand({ dev, embeddings, offCalibration, config, model }: EvalSetup): Promise<ModelFit> {
  const fit = await fitModel(dev, embeddings, offCalibration, fitFileOf(config.modelsDir, model));
  process.stdout.write(
    `Fitted ${model} on the development half: ${fit.queryWeights ? `${fit.queryWeights.length} question-side weights` : "plain cosine (learned question-side weights did not help)"}, ${fit.fusionWeights.length} fusion weights, ` +
      `"not found" below ${fit.abstention.threshold.toFixed(3)} (dense weight ${fit.abstention.denseWeight}), weak match below ${fit.abstention.lowConfidenceBelow.toFixed(3)}.\n` +
      `Wrote ${fit.source}; the bot and ask read it at start-up${config.abstention ? ' (ABSTENTION_* in the environment still override its "not found" rule)' : ""}.\n`,
  );
  return fit;
}
