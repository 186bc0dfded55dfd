import { describe, expect, it } from "vitest";
import { splitSentences } from "../../src/corpus/split.js";
import { buildArticleRetriever } from "../../src/eval/evaluate.js";
import { OverlapEmbeddings } from "../helpers/overlap-embeddings.js";
import { answerTypeMatch, answerTypeOf } from "../../src/retrieval/features/answer-type.js";
import { Bm25Index } from "../../src/retrieval/bm25.js";
import { DEFAULT_FUSION, FEATURE_NAMES, featureVectors, fuse, type Candidate } from "../../src/retrieval/fusion.js";
import { trainListwise, trainQueryWeights } from "../../src/eval/train.js";
import { adaptQuery, builtInQueryWeights } from "../../src/retrieval/query-adapter.js";
import { englishSpecificity } from "../../src/retrieval/features/specificity.js";
import { baseForm } from "../../src/retrieval/terms/inflections.js";
import { degreeForms } from "../../src/retrieval/terms/degree.js";
import { britishSpellings } from "../../src/retrieval/terms/british.js";
import { americanSpelling } from "../../src/retrieval/terms/spelling.js";
import { tokenize } from "../../src/retrieval/terms/tokenize.js";
import { HybridRetriever } from "../../src/retrieval/hybrid.js";
import { SubwordMatcher } from "../../src/retrieval/features/subwords.js";
import { loadUseLitePieces } from "../../src/embeddings/use-lite-pieces.js";
import { HnswDenseIndex, type DenseIndex } from "../../src/index/dense.js";

describe("tokenize", () => {
  it.each([
    [
      "keeps initialisms as one token that is not the pronoun 'us'",
      "U.S. officials warned us",
      ["us", "offici", "warn"],
    ],
    ["stems plurals and verb forms", "tariffs negotiations", ["tariff", "negoti"]],
    ["keeps decimals whole", "rose by 33.57%", ["rose", "33.57"]],
    ["drops possessive 's", "Beijing's leading official", ["beij", "lead", "offici"]],
    ["drops stop words and question words", "Who is the leader of the group?", ["leader", "group"]],
    ["handles non-Latin letters", "北京 talks", ["北京", "talk"]],
    [
      "reads capitals in mixed case as an acronym, not a stop word",
      "Who is on the US team? Ask IT.",
      ["us", "team", "ask", "it"],
    ],
    ["reads a plural acronym as its singular", "the SLAs", ["sla"]],
    [
      "reads a word in capitals for emphasis as the word",
      "IMPORTANT: do NOT skip the DEPLOYMENTS",
      tokenize("important: do not skip the deployments"),
    ],
    ["reads shouted text as ordinary words", "WHAT IS IT", []],
  ])("%s", (_name, input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });

  it.each([
    ["export licences", "export licenses"],
    ["the organisation was organised", "the organization was organized"],
    ["Labour's favourite colours", "Labor's favorite colors"],
    ["analysed in the theatre centre", "analyzed in the theater center"],
    ["cancelled travelling", "canceled traveling"],
    ["defence programme", "defense program"],
    ["naturalised citizens", "naturalized citizens"],
    ["scrutinising the decentralisation", "scrutinizing the decentralization"],
    ["a pressurised cabin", "a pressurized cabin"],
  ])("meets British %j and American %j on the same terms", (british, american) => {
    expect(tokenize(british)).toEqual(tokenize(american));
  });

  it.each([
    ["the Zürich office", "the Zurich office"],
    ["send your résumé", "send your resume"],
    ["the café on site", "the cafe on site"],
    ["Thomas de Maizière", "Thomas de Maiziere"],
    ["São Paulo", "Sao Paulo"],
    // Too short for the typo corrector, which reads a word one edit from a corpus word only from 5 letters on.
    ["ask José or Zoë", "ask Jose or Zoe"],
    // Decomposed (a letter and a combining accent, as some editors save it) is the same word.
    ["Zu\u0308rich", "Zurich"],
  ])("meets %j, with its accents, and %j, typed without them, on the same terms", (accented, plain) => {
    expect(tokenize(accented)).toEqual(tokenize(plain));
  });

  it.each([
    // Marks that are part of the letter in other scripts stay: Hindi's vowel signs, Arabic's.
    ["हिंदी", "हद"],
    ["Straße", "Strase"],
  ])("keeps %j apart from %j", (a, b) => {
    expect(tokenize(a)).not.toEqual(tokenize(b));
  });

  it.each([
    ["exports fell", "exports fall"],
    ["the war began in 1914", "the war begins in 1914"],
    ["the guide was written by Ana", "who wrote the guide? Ana"],
    ["the team was led by Ana", "Ana leads the team"],
    ["they won the cup", "did they win the cup"],
    ["the children's feet", "a child's foot"],
  ])("meets the irregular form in %j and the base form in %j on the same terms", (irregular, base) => {
    const terms = new Set(tokenize(base));
    expect(tokenize(irregular).every((term) => terms.has(term))).toBe(true);
  });

  // Where the original Porter stemmer went wrong: "died" -> "di", "cried" -> "cri" but "cry" -> "cry".
  it.each([
    ["when Tesla died", "when did Tesla die"],
    ["the vote was tied", "a tie in the vote"],
    ["the skies cleared", "a clear sky"],
    ["the child cried", "why does the child cry"],
    ["the news broke", "the news breaks"],
  ])("meets %j and %j on the same terms", (text, question) => {
    expect(new Set(tokenize(text))).toEqual(new Set(tokenize(question)));
  });

  it.each([
    ["clone the repo", "clone the repository"],
    ["the prod db", "the production database"],
    ["update the docs", "update the documentation"],
    ["set the env vars", "set the environment variables"],
    ["run the eval", "run the evaluation"],
    ["two configs", "two configurations"],
    ["a phone call", "a telephone call"],
    ["tech exports", "technology exports"],
  ])("meets the clipping in %j and the full word in %j on the same terms", (clipped, full) => {
    expect(tokenize(clipped)).toEqual(tokenize(full));
  });

  it.each([
    // A clipping that is as often another word or a name is left alone.
    ["the HR team", "the hour"],
    ["Max Planck", "the maximum"],
    ["the ref", "the reference"],
    ["10 min", "the minimum"],
  ])("keeps %j apart from %j", (a, b) => {
    expect(tokenize(a)).not.toEqual(tokenize(b));
  });

  it.each([
    ["news", "new"],
    ["generous", "general"],
    ["communism", "common"],
  ])("keeps %j apart from %j", (a, b) => {
    expect(tokenize(a)).not.toEqual(tokenize(b));
  });

  it.each([
    ["the largest city", "a large city"],
    ["the earliest records", "early records"],
    ["the biggest bank", "a big bank"],
    ["prices were higher", "high prices"],
    ["the latest figures", "late figures"],
  ])("meets the degree form in %j and the base in %j on the same terms", (degree, base) => {
    expect(new Set(tokenize(degree))).toEqual(new Set(tokenize(base)));
  });

  it.each(["leader", "water", "stranger", "forest", "interest", "chest", "liver"])(
    "does not read the noun or verb %j as a degree form",
    (word) => {
      expect(baseForm(word)).toBe(word);
    },
  );

  it.each(["found", "left", "ground", "bound", "saw", "rose", "born", "lit", "felt", "better", "falls", "talks"])(
    "leaves the ambiguous or regular form %j alone",
    (word) => {
      expect(baseForm(word)).toBe(word);
    },
  );

  it.each([
    "four",
    "tour",
    "your",
    "flour",
    "hour",
    "promise",
    "precise",
    "emphasis",
    "exercise",
    "surprise",
    "enterprise",
    "rise",
    "total",
    "more",
    "advise",
    "revised",
    "analyses",
    "prised",
    "sizes",
  ])("leaves %j alone", (word) => {
    expect(americanSpelling(word)).toBe(word);
  });
});

describe("degreeForms", () => {
  const common = (...words: string[]) => new Map(words.map((w) => [w, 100]));
  it.each([
    ["a plain stem", ["high", "higher", "highest"], { higher: "high", highest: "high" }],
    ["a base ending in e", ["large", "larger", "largest"], { larger: "large", largest: "large" }],
    ["y turned to i", ["early", "earlier", "earliest"], { earlier: "early", earliest: "early" }],
    ["a doubled final consonant", ["big", "bigger", "biggest"], { bigger: "big", biggest: "big" }],
    ["ll kept", ["full", "fuller", "fullest"], { fuller: "full", fullest: "full" }],
    [
      "consonant-vowel-consonant takes the e (cute, not cut)",
      ["cut", "cute", "cuter", "cutest"],
      { cuter: "cute", cutest: "cute" },
    ],
    ["no comparative: not an adjective", ["for", "forest"], {}],
    ["no base", ["interest", "interester"], {}],
    ["a listed look-alike", ["temp", "temper", "tempest"], {}],
  ])("%s", (_name, words, expected) => {
    const counts = common(...words);
    expect(degreeForms(words, (w) => counts.get(w) ?? 0, 3)).toEqual(expected);
  });

  it("needs every form to be common enough", () => {
    const counts = new Map([
      ["high", 100],
      ["higher", 100],
      ["highest", 2],
    ]);
    expect(degreeForms([...counts.keys()], (w) => counts.get(w) ?? 0, 3)).toEqual({});
  });
});

describe("britishSpellings", () => {
  it.each([
    [
      "each -ize form gives its -ise twin",
      ["naturalize", "naturalized", "naturalization"],
      { naturalise: "naturalize", naturalised: "naturalized", naturalisation: "naturalization" },
    ],
    ["-yze gives -yse", ["catalyze"], { catalyse: "catalyze" }],
    ["words that only look alike have no -ize form to come from", ["promise", "precise", "advise"], {}],
    ["the plural of -ysis is not a verb form", ["analyzes"], {}],
    ["a British word of its own is left alone", ["prized"], {}],
    ["short words are left alone", ["sizes"], {}],
  ])("%s", (_name, words, expected) => {
    expect(britishSpellings(words, () => 10, 3)).toEqual(expected);
  });

  it("needs the American form to be common enough", () => {
    expect(britishSpellings(["naturalize"], () => 2, 3)).toEqual({});
  });
});

describe("Bm25Index: compounds written as two words", () => {
  const index = new Bm25Index([
    "Run the setup script on a new laptop.",
    "Log in with single sign-on.",
    "The login page is slow.",
    "Each engineer is on call for a week.",
    "The therapist called.",
  ]);

  it.each([
    [
      "a pair whose compound the corpus writes as one word stands in for it",
      "How do I set up my laptop?",
      ["laptop", "setup"],
    ],
    [
      "a pair whose words the corpus has is left as it is, even when it has the compound too",
      "How do I log in?",
      ["log"],
    ],
    ["a pair the corpus has as two words is left as it is", "Who is on call?", ["call"]],
    ["not after an article", "Who saw the rapist?", ["saw", "rapist"]],
  ])("%s", (_name, question, expected) => {
    expect(new Set(index.queryTerms(question))).toEqual(new Set(expected.map((w) => tokenize(w)[0]!)));
  });

  it("ranks the sentence with the compound first", () => {
    expect(index.search("How do I set up?").map((hit) => hit.id)).toEqual([0]);
  });
});

describe("Bm25Index", () => {
  const docs = [
    "The talks were held in London on Monday.",
    "Tariffs on Chinese goods were reduced to 30%.",
    "Vice Premier He Lifeng heads the Chinese delegation.",
    "The weather in London was rainy.",
  ];
  const index = new Bm25Index(docs);

  it("ranks the document sharing the rarest terms first", () => {
    expect(index.search("Who heads the delegation?")[0]!.id).toBe(2);
    expect(index.search("What happened to tariffs on goods?")[0]!.id).toBe(1);
  });

  it("returns only documents that share a term, best first", () => {
    const hits = index.search("London talks");
    expect(hits.map((h) => h.id)).toEqual([0, 3]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it("selects the best k exactly as a full sort would (property test over random corpora)", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const words = ["tariff", "trade", "china", "talks", "london", "mineral", "export", "truce", "deal", "market"];
    for (let round = 0; round < 50; round++) {
      const docs = Array.from({ length: 5 + Math.floor(rand() * 200) }, () =>
        Array.from({ length: 1 + Math.floor(rand() * 8) }, () => words[Math.floor(rand() * words.length)]).join(" "),
      );
      const bm25 = new Bm25Index(docs);
      const query = Array.from(
        { length: 1 + Math.floor(rand() * 3) },
        () => words[Math.floor(rand() * words.length)],
      ).join(" ");
      const all = bm25.search(query);
      for (const k of [0, 1, 3, 10, 50]) expect(bm25.search(query, k)).toEqual(all.slice(0, k));
      const scores = bm25.scores(query);
      expect(scores.size).toBe(all.length);
      for (const hit of all) expect(scores.score(hit.id)).toBe(hit.score);
    }
  });

  it("returns nothing for a question with no known term", () => {
    expect(index.search("banana bread recipe")).toEqual([]);
  });

  it("measures IDF-weighted coverage of the question terms", () => {
    const terms = index.queryTerms("Chinese delegation heads");
    expect(index.coverage(terms, 2)).toBeCloseTo(1);
    expect(index.coverage(terms, 0)).toBe(0);
    const partial = index.coverage(terms, 1);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(1);
  });
});

describe("fuse", () => {
  const candidate = (id: number, dense: number, lexical: number, extra: Partial<Candidate> = {}): Candidate => ({
    id,
    dense,
    lexical,
    coverage: 0,
    keyTermCoverage: 0,
    prevLexical: 0,
    nextLexical: 0,
    prevDense: -1,
    nextDense: -1,
    pronounStart: 0,
    answerType: 0,
    phrase: 0,
    novelty: 0,
    length: 10,
    pieceMatch: 0,
    ...extra,
  });
  const pool = [candidate(0, 0.9, 0), candidate(1, 0.2, 5), candidate(2, 0.5, 3)];

  it.each([
    ["dense only follows cosine", { method: "weighted", denseWeight: 1 } as const, [0, 2, 1]],
    ["lexical only follows BM25", { method: "weighted", denseWeight: 0 } as const, [1, 2, 0]],
    ["an even blend favours the candidate good on both", { method: "weighted", denseWeight: 0.5 } as const, [2, 0, 1]],
    ["RRF gives no lexical credit to a sentence sharing no term", { method: "rrf", k: 60 } as const, [1, 2, 0]],
  ])("%s", (_name, params, order) => {
    expect(fuse(pool, params).map((c) => c.id)).toEqual(order);
  });

  it("uses every feature in the linear model", () => {
    const tied = [candidate(0, 0.5, 1), candidate(1, 0.5, 1, { answerType: 1 })];
    FEATURE_NAMES.forEach((name, i) => {
      const weights = FEATURE_NAMES.map((_, j) => (i === j ? 1 : 0));
      const one = featureVectors(tied)[1]![i]!;
      const other = featureVectors(tied)[0]![i]!;
      if (name === "answerType") expect(one).toBeGreaterThan(other);
      expect(fuse(tied, { method: "linear", weights })[0]!.id).toBe(one > other ? 1 : 0);
    });
  });

  it("scales linear scores so a candidate best on every feature scores 1", () => {
    const perfect = candidate(0, 1, 1, {
      coverage: 1,
      prevLexical: 1,
      nextLexical: 1,
      prevDense: 1,
      nextDense: 1,
      answerType: 1,
      phrase: 1,
      novelty: 1,
      length: 63,
      pronounStart: 1,
      pieceMatch: 1,
    });
    const [best] = fuse([perfect], { method: "linear", weights: FEATURE_NAMES.map(() => 1) });
    expect(best!.score).toBeCloseTo(1);
  });

  it("handles an empty pool", () => {
    expect(fuse([])).toEqual([]);
  });
});

describe("answer types", () => {
  it.each([
    ["How many points did they score?", "number"],
    ["When did the talks begin?", "number"],
    ["In what year was it built?", "number"],
    ["Who leads the delegation?", "name"],
    ["Where are the talks held?", "name"],
    ["Why did tensions rise?", "other"],
  ])("%s -> %s", (question, type) => {
    expect(answerTypeOf(question)).toBe(type);
  });

  it("matches a number the question does not already contain", () => {
    expect(answerTypeMatch("number", "How many moons in 2020?", "In 2020 there were 79 moons.")).toBe(1);
    expect(answerTypeMatch("number", "How many moons in 2020?", "In 2020 the moons were counted.")).toBe(0);
  });

  it("matches a name that is not already in the question", () => {
    expect(answerTypeMatch("name", "Who leads the delegation?", "The delegation is led by He Lifeng.")).toBe(1);
    expect(answerTypeMatch("name", "Who leads the delegation?", "the delegation is large.")).toBe(0);
  });
});

describe("trainListwise", () => {
  it("learns to weight the feature that marks the gold candidate, and not the noise", () => {
    // Feature 0 is 1 only for the gold candidate; feature 1 is noise that favours a wrong one.
    const questions = Array.from({ length: 20 }, (_, q) => ({
      gold: q % 3,
      features: [0, 1, 2].map((i) => [i === q % 3 ? 1 : 0, i === (q + 1) % 3 ? 1 : 0.5]),
    }));
    const [signal, noise] = trainListwise(questions, { epochs: 300 });
    expect(signal!).toBeGreaterThan(1);
    expect(noise!).toBeLessThan(0);
  });

  it("returns zeros when there is nothing to learn from", () => {
    expect(trainListwise([])).toEqual([]);
  });
});

describe("question-side weights", () => {
  const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
  const unit = (v: number[]) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };

  it("learns to trust the dimension that tells the gold sentence apart and to discount a misleading one", () => {
    // Dimension 0 agrees between a question and its gold sentence; dimension 1 is shared, misleadingly,
    // with a distractor; dimension 2 is common to all.
    const questions = Array.from({ length: 40 }, (_, i) => {
      const a = 0.5 + (i % 5) / 10;
      return { question: unit([a, 0.8, 0.5]), candidates: [unit([a, 0.1, 0.5]), unit([0.05, 0.9, 0.5])], gold: 0 };
    });
    const before = questions.filter(
      (q) => dot(q.question, q.candidates[0]!) > dot(q.question, q.candidates[1]!),
    ).length;
    const weights = trainQueryWeights(questions, { epochs: 300, learningRate: 2 });
    const score = (q: (typeof questions)[number], s: number[]) =>
      q.question.reduce((sum, x, i) => sum + weights[i]! * x * s[i]!, 0);
    const after = questions.filter((q) => score(q, q.candidates[0]!) > score(q, q.candidates[1]!)).length;
    expect(before).toBeLessThan(questions.length);
    expect(after).toBe(questions.length);
    expect(weights[1]!).toBeLessThan(1);
    expect(weights[0]!).toBeGreaterThan(weights[1]!);
  });

  it("does not overshoot when the learning rate is far too large for the model's cosines", () => {
    // Another model's cosines can need a much smaller step than use-lite's; a fixed step then
    // oscillates and ends worse than plain cosine. Backtracking keeps every kept step downhill.
    const questions = Array.from({ length: 40 }, (_, i) => {
      const a = 0.5 + (i % 5) / 10;
      return { question: unit([a, 0.8, 0.5]), candidates: [unit([a, 0.1, 0.5]), unit([0.05, 0.9, 0.5])], gold: 0 };
    });
    const loss = (weights: readonly number[]) =>
      questions.reduce((sum, q) => {
        const scores = q.candidates.map((s) => 20 * q.question.reduce((t, x, i) => t + weights[i]! * x * s[i]!, 0));
        return sum + Math.log(scores.reduce((t, s) => t + Math.exp(s - scores[0]!), 0));
      }, 0);
    const weights = trainQueryWeights(questions, { epochs: 60, learningRate: 5000 });
    expect(weights.every(Number.isFinite)).toBe(true);
    expect(loss(weights)).toBeLessThan(loss([1, 1, 1]));
  });

  it.each([
    ["another model (no weights): unchanged", "test-overlap", [0.6, 0.8]],
    ["use-lite with a vector of the wrong size: unchanged", "use-lite", [0.6, 0.8]],
  ])("%s", (_, modelId, vector) => {
    expect(adaptQuery(builtInQueryWeights(modelId), vector)).toEqual(vector);
  });

  it("applies the weights it is given (a fitted model's) and keeps the vector unit length", () => {
    expect(adaptQuery([1, 0], [0.6, 0.8])).toEqual([1, 0]);
    const adapted = adaptQuery([2, 1], [0.6, 0.8]);
    unit([1.2, 0.8]).forEach((x, i) => expect(adapted[i]).toBeCloseTo(x, 12));
  });

  it("reweights a use-lite question vector and keeps it unit length", () => {
    const vector = unit(Array.from({ length: 512 }, (_, i) => Math.sin(i + 1)));
    const adapted = adaptQuery(builtInQueryWeights("use-lite"), vector);
    expect(adapted).toHaveLength(512);
    expect(dot(adapted, adapted)).toBeCloseTo(1, 6);
    expect(dot(adapted, vector)).toBeLessThan(0.9999); // the shipped weights are not all equal
    expect(dot(adapted, vector)).toBeGreaterThan(0.5); // ...but stay close to plain cosine
  });
});

describe("englishSpecificity", () => {
  it.each([
    ["get", 0, 0.45],
    ["year", 0, 0.55],
    [tokenize("largest")[0]!, 0.5, 0.7], // the term of "largest", which is that of "large"
    ["tariff", 0.8, 1],
    ["lifeng", 0.99, 1],
    ["constructor", 0.5, 1],
    ["__proto__", 0.99, 1],
  ])("%s is between %d and %d", (term, low, high) => {
    const value = englishSpecificity(term);
    expect(value).toBeGreaterThanOrEqual(low);
    expect(value).toBeLessThanOrEqual(high);
  });

  it("weights coverage so that a common word counts for less than the question's subject", () => {
    const index = new Bm25Index(["The largest economies.", "Tariffs on steel.", "Nothing here."]);
    const terms = index.queryTerms("largest tariffs");
    expect(index.coverage(terms, 0)).toBeCloseTo(0.5);
    expect(index.coverage(terms, 0, englishSpecificity)).toBeLessThan(0.45);
    expect(index.coverage(terms, 1, englishSpecificity)).toBeGreaterThan(0.55);
  });
});

describe("HybridRetriever.mentionsAnyTerm", () => {
  it.each([
    ["What is his role?", 0, false],
    ["Who heads the delegation?", 0, true],
    ["Who heads the delegation?", 1, false],
    ["What about the tariffs?", 1, true],
    ["Why?", 1, true],
    ["What is it?", 0, true],
  ])("%j in sentence %i -> %s", async (question, id, expected) => {
    const sentences = splitSentences(
      "Vice Premier He Lifeng heads the delegation.\nTariffs were cut to 30%.\n",
      "a.txt",
    );
    const retriever = await buildArticleRetriever(sentences, new OverlapEmbeddings(), { fusion: DEFAULT_FUSION });
    expect(retriever.mentionsAnyTerm(question, id)).toBe(expected);
  });
});

describe("HybridRetriever with clipped words", () => {
  it.each([
    ["Where is the repository?", /repo lives/],
    ["Who owns the prod db?", /production database/],
  ])("finds the sentence that writes the other form for %j", async (question, expected) => {
    const text =
      "The repo lives on the internal Git server.\nAccess to the production database needs a ticket.\nThe office is on the second floor.\n";
    const sentences = splitSentences(text, "a.txt");
    const retriever = await buildArticleRetriever(sentences, new OverlapEmbeddings(), { fusion: DEFAULT_FUSION });
    const [top] = await retriever.retrieve(question, 1);
    expect(top!.sentence.text).toMatch(expected);
    expect(top!.lexical).toBeGreaterThan(0);
  });
});

describe("HybridRetriever with word pieces", () => {
  const text =
    "The talks in London ended on Tuesday without a joint statement.\n" +
    "China granted export permits to three automobile manufacturers.\n" +
    "Officials met again in Geneva a week later.\n";

  it("credits the sentence that shares only word pieces with the question", async () => {
    const sentences = splitSentences(text, "a.txt");
    const retriever = await buildArticleRetriever(sentences, new OverlapEmbeddings(), { fusion: DEFAULT_FUSION });
    const candidates = await retriever.candidates("Which automakers?");
    expect(candidates.every((c) => c.lexical === 0)).toBe(true);
    const onPieces = fuse(candidates, {
      method: "linear",
      weights: FEATURE_NAMES.map((name) => (name === "pieceMatchRelative" ? 1 : 0)),
    });
    expect(sentences[onPieces[0]!.id]!.text).toMatch(/automobile manufacturers/);
  });

  it("refuses a piece matcher built over other sentences", async () => {
    const sentences = splitSentences(text, "a.txt");
    const retriever = await buildArticleRetriever(sentences, new OverlapEmbeddings(), { fusion: DEFAULT_FUSION });
    const other = new SubwordMatcher(["one sentence only"], await loadUseLitePieces());
    expect(
      () =>
        new HybridRetriever(
          sentences,
          {} as DenseIndex,
          new Bm25Index(sentences.map((s) => s.text)),
          new OverlapEmbeddings(),
          { subwords: other },
        ),
    ).toThrow(/covers 1 sentences, the retriever 3/);
    expect(retriever.sentences).toHaveLength(3);
  });
});

describe("HybridRetriever beyond its dense candidates", () => {
  it("scores a lexical candidate outside the dense pool with its true cosine, as the dense search would", async () => {
    const embeddings = new OverlapEmbeddings();
    // Short orchard lines are closest for the word-overlap embedder; BM25 favours the one rare word, "tulips".
    const texts = [
      "Orchard.",
      "Orchard gate.",
      "Orchard fence.",
      "Tulips bloom in spring near the old stone wall by the river bank.",
    ];
    const sentences = splitSentences(texts.join("\n\n"), "a.txt");
    const dense = await HnswDenseIndex.fromVectors(await embeddings.embedDocuments(texts), sentences, embeddings);
    const question = "tulips orchard";
    const full = new Map(
      (await dense.search(await embeddings.embedQuery(question), texts.length)).map((hit) => [hit.id, hit.score]),
    );
    // Two candidates per side: whatever else is pooled comes in through BM25 alone.
    const narrow = new HybridRetriever(sentences, dense, new Bm25Index(texts), embeddings, { candidatesPerSide: 2 });
    const candidates = await narrow.candidates(question);
    const densePool = new Set(
      [...full.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([id]) => id),
    );
    expect(candidates.some((candidate) => !densePool.has(candidate.id))).toBe(true);
    for (const candidate of candidates) expect(candidate.dense).toBeCloseTo(full.get(candidate.id)!, 6);
  });
});
