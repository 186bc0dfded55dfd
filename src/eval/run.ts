/**
 * `npm run eval`: retrieval quality on XQuAD-R (English), per article, printed as a table and
 * written to bench/eval-report.md.
 *
 *   npm run eval                 the report
 *   npm run eval -- --train-query  learn the question-side weights (src/retrieval/use-lite-query-weights.json)
 *   npm run eval -- --train      also re-learn the fusion weights on the development half and print them
 *   npm run eval -- --calibrate  also re-derive the abstention threshold and print it
 *   EMBEDDING_MODEL=<id> npm run eval -- --fit   the three steps for another model, written beside it
 *   npm run eval -- --questions <file>   check a team's own questions (check-questions.ts)
 *
 * Each command is one module under commands/; this file reads the flags and runs them in order.
 * The model is the one EMBEDDING_MODEL names (default use-lite), ranked with its fit (built in for
 * use-lite, MODELS_DIR/<id>/citebot-fit.json for another model; use-lite's weights without one), and
 * the abstention rule the one ABSTENTION_* and LOW_CONFIDENCE_BELOW set, else the fit's.
 * The two --train steps write the shipped weights for use-lite and refuse to run for another model.
 *
 * Articles are split in two halves by position: even-numbered articles are the development half
 * (fusion weights and the abstention threshold were chosen on it), odd-numbered ones are held out.
 */
import { abstentionRuleOf, checkFitDimensions, readModelFit } from "../answer/model-fit.js";
import { EVAL_OPTIONS, EVAL_USAGE } from "../cli/args.js";
import { readOptions, runCommand } from "../cli/run.js";
import { DEFAULT_EMBEDDING_MODEL, readEngineConfig } from "../config.js";
import { CiteBotError, ErrorCode } from "../errors.js";
import { CachingEmbeddings } from "../embeddings/cache.js";
import { StderrLogger } from "../logger.js";
import { createEmbeddings } from "../embeddings/factory.js";
import { DEFAULT_FUSION } from "../retrieval/fusion.js";
import type { Ranking } from "./evaluate.js";
import { checkOwnQuestions } from "./check-questions.js";
import { calibrateCommand } from "./commands/calibrate.js";
import { fitCommand } from "./commands/fit.js";
import { rankConfigurations, writeReport } from "./commands/report.js";
import { trainFusionCommand } from "./commands/train.js";
import { trainQueryCommand } from "./commands/train-query.js";
import { loadEvalSetup } from "./setup.js";

/** Picks the command the flags name; each lives in its own module under commands/. */
async function main(): Promise<number | void> {
  const options = readOptions(process.argv.slice(2), EVAL_OPTIONS, EVAL_USAGE);
  if (typeof options === "number") return options;
  const args = options.flags;
  const config = readEngineConfig();
  const questionsFile = options.values["--questions"];
  if (typeof questionsFile === "string") {
    if (args.size > 0) {
      process.stderr.write(`--questions runs alone: it checks your own questions and learns nothing.\n${EVAL_USAGE}\n`);
      return 2;
    }
    process.stdout.write(await checkOwnQuestions(questionsFile, config, new StderrLogger(config.logLevel, "eval")));
    return;
  }
  const embeddings = new CachingEmbeddings(createEmbeddings(config));
  const model = embeddings.modelId;
  if ((args.has("--train-query") || args.has("--train")) && model !== DEFAULT_EMBEDDING_MODEL) {
    throw new CiteBotError(
      ErrorCode.ConfigInvalid,
      `--train-query and --train write the shipped weights for ${DEFAULT_EMBEDDING_MODEL}; to fit ${model}, run EMBEDDING_MODEL=${model} npm run eval -- --fit.`,
    );
  }
  if (args.has("--fit") && model === DEFAULT_EMBEDDING_MODEL) {
    throw new CiteBotError(
      ErrorCode.ConfigInvalid,
      `${DEFAULT_EMBEDDING_MODEL}'s fit ships in the source; re-learn it with --train-query, then --train and --calibrate. --fit is for another EMBEDDING_MODEL.`,
    );
  }
  // A broken fit file stops the evaluation as it stops the bot, unless --fit is about to replace it.
  let fit = args.has("--fit")
    ? undefined
    : await readModelFit({ embeddingModel: model, identity: embeddings.identity, modelsDir: config.modelsDir });
  const setup = await loadEvalSetup(config, embeddings);

  if (args.has("--train-query")) return trainQueryCommand(setup);
  if (args.has("--train")) await trainFusionCommand(setup);
  if (args.has("--fit")) fit = await fitCommand(setup);
  if (fit) {
    // Vectors may all have come from the cache file, leaving the model unloaded and its size unknown.
    await embeddings.load();
    checkFitDimensions(fit, embeddings.dimensions);
  }
  const ranking: Ranking = fit
    ? { fusion: { method: "linear", weights: fit.fusionWeights }, queryWeights: fit.queryWeights }
    : { fusion: DEFAULT_FUSION };
  const rule = abstentionRuleOf(config.abstention, fit, config.answerabilityWarnBelow);
  const rankings = await rankConfigurations(setup, ranking, fit);
  if (args.has("--calibrate")) await calibrateCommand(setup, rankings.shipped, ranking, rule);
  await writeReport(setup, rankings, ranking, rule, fit);
}

runCommand(main);
