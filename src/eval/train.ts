/**
 * Pairwise logistic regression (RankNet with a linear scorer) for the fusion weights. Pure.
 * Each training question contributes (gold features - other features) pairs; the model learns
 * weights w so that w·gold > w·other.
 */
export interface TrainingQuestion {
  readonly features: readonly (readonly number[])[];
  readonly gold: number;
}

export function trainPairwise(questions: readonly TrainingQuestion[], options: { epochs?: number; learningRate?: number; l2?: number } = {}): number[] {
  const epochs = options.epochs ?? 400;
  const learningRate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  const diffs: number[][] = [];
  for (const q of questions) {
    const gold = q.features[q.gold];
    if (!gold) continue;
    q.features.forEach((f, i) => {
      if (i !== q.gold) diffs.push(gold.map((g, j) => g - f[j]!));
    });
  }
  const dims = diffs[0]?.length ?? 0;
  const weights = new Array<number>(dims).fill(0);
  if (diffs.length === 0) return weights;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradient = weights.map((w) => l2 * w);
    for (const d of diffs) {
      let margin = 0;
      for (let j = 0; j < dims; j++) margin += weights[j]! * d[j]!;
      const g = -1 / (1 + Math.exp(margin)); // d/dm log(1 + e^-m)
      for (let j = 0; j < dims; j++) gradient[j]! += (g * d[j]!) / diffs.length;
    }
    for (let j = 0; j < dims; j++) weights[j]! -= learningRate * gradient[j]!;
  }
  return weights;
}
