/**
 * `npm run eval -- --train-query`: step 1 of training use-lite, the question-side weights of the
 * dense side, learned on the development half and written to the file the retriever reads. Run
 * `--train` (fusion weights) and `--calibrate` again afterwards.
 */
import { writeFile } from "node:fs/promises";
import { QUERY_WEIGHTS_FILE } from "../data-files.js";
import { queryWeightQuestions } from "../fitting.js";
import type { EvalSetup } from "../setup.js";
import { trainQueryWeights } from "../train.js";

export async function trainQueryCommand({ dev, embeddings }: EvalSetup): Promise<void> {
  const weights = trainQueryWeights(await queryWeightQuestions(dev, embeddings));
  const file = {
    modelId: embeddings.modelId,
    note: "npm run eval -- --train-query: question-side weights learned on the XQuAD-R development half",
    weights: weights.map((w) => Number(w.toFixed(4))),
  };
  await writeFile(QUERY_WEIGHTS_FILE, `${JSON.stringify(file)}\n`);
  process.stdout.write(
    `Learned ${weights.length} question-side weights; wrote ${QUERY_WEIGHTS_FILE}. Run --train and --calibrate next.\n`,
  );
}
