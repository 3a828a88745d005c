/**
 * The tuning benchmark: on the embedded fraud data's training part and one set of stratified CV
 * folds, the default parameters' CV PR AUC, our tuner's (successive halving over seeded random
 * configurations) and Optuna's TPE with the same number of trials driving Python xgboost on the
 * same folds — best CV PR AUC and time of each.
 *
 * @module
 */

import { join } from "node:path";
import { defaultConfig, type TrainingConfig } from "../../lib/config/schema.ts";
import { takeValues } from "../../lib/data/frame.ts";
import { stratifiedKFold, stratifiedSplit } from "../../lib/data/split.ts";
import { createEstimator } from "../../lib/models/factory.ts";
import { crossValidate } from "../../lib/pipeline/cross_validate.ts";
import { loadLabeledData } from "../../lib/pipeline/load_features.ts";
import { tuneParams } from "../../lib/pipeline/tune.ts";
import { textTable } from "../../lib/report/text_table.ts";
import { writeMatrix } from "./_stats.ts";
import { atLeast, goalCheck, goalSummary } from "./_ratio.ts";
import { searchSpace } from "../../lib/tune/search_space.ts";
import { Logger } from "../../lib/util/logger.ts";
import { textLines } from "../../lib/util/lines.ts";

/** What to compare. */
export interface TuneBenchOptions {
  readonly rows: number;
  readonly trials: number;
  readonly folds: number;
  readonly seed: number;
  readonly python: string;
}

/** Our tuner's best CV PR AUC no more than 0.005 below Optuna's with Python xgboost. */
const GOAL = atLeast(-0.005, { format: (x) => x.toFixed(4) });

/** Runs the benchmark and returns the printed report. */
export async function benchTune(o: TuneBenchOptions): Promise<string> {
  const base = defaultConfig();
  const config: TrainingConfig = {
    ...base,
    seed: o.seed,
    data: { ...base.data, maxSamples: o.rows, cvFolds: o.folds },
    tune: { ...base.tune, enabled: true, trials: o.trials },
  };
  const data = await loadLabeledData(config);
  const split = stratifiedSplit(data.labels, config.data.testSize, o.seed);
  const train = {
    frame: data.features.frame.take(split.train),
    labels: takeValues(data.labels, split.train),
  };
  const folds = stratifiedKFold(train.labels, o.folds, o.seed);
  let t0 = performance.now();
  const defaults = await crossValidate(createEstimator({ type: "xgboost", seed: o.seed }), {
    ...train,
    folds,
  });
  const defaultSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const ours = await tuneParams({ config, train, folds, log: new Logger() });
  const ourSeconds = (performance.now() - t0) / 1000;
  const optuna = await runOptuna(o, { train, folds, config });
  t0 = performance.now();
  const asked = await optunaOnOurEngine(o, {
    config,
    score: async (params) =>
      (await crossValidate(
        createEstimator({
          type: "xgboost",
          params: { ...params, early_stopping_rounds: config.tune.earlyStoppingRounds },
          seed: o.seed,
        }),
        { ...train, folds },
        { evalOnFold: true },
      )).summary.pr_auc.mean,
  });
  const askedSeconds = (performance.now() - t0) / 1000;
  // Optuna's best parameters on our engine and folds: separates the search from the engine.
  const optunaOnOurs = await crossValidate(
    createEstimator({
      type: "xgboost",
      params: { ...optuna.params, early_stopping_rounds: config.tune.earlyStoppingRounds },
      seed: o.seed,
    }),
    { ...train, folds },
    { evalOnFold: true },
  );
  const full = ours.evaluations.filter((e) => e.budget === ours.budgets.at(-1)).length;
  return tuneTable(o, {
    trainRows: train.labels.length,
    defaults: { score: defaults.summary.pr_auc.mean, seconds: defaultSeconds },
    ours: {
      score: ours.bestScore,
      seconds: ourSeconds,
      evaluations: `${ours.evaluations.length} (${full} at full budget)`,
    },
    optuna: { score: optuna.best, seconds: optuna.seconds },
    asked: { score: asked.best, seconds: askedSeconds },
    optunaOnOurs: optunaOnOurs.summary.pr_auc.mean,
  });
}

/** One search's best CV PR AUC and seconds. */
interface SearchResult {
  readonly score: number;
  readonly seconds: number;
}

/** What the tuning benchmark measured. */
interface TuneResults {
  readonly trainRows: number;
  readonly defaults: SearchResult;
  readonly ours: SearchResult & { readonly evaluations: string };
  readonly optuna: SearchResult;
  readonly asked: SearchResult;
  /** Optuna's best parameters (its search with Python xgboost) scored by our engine. */
  readonly optunaOnOurs: number;
}

/** The printed table: each search's CV PR AUC, its gain over the defaults, time, and the goal. */
function tuneTable(o: TuneBenchOptions, r: TuneResults): string {
  const f = (x: number) => x.toFixed(4);
  const gain = (x: number) => f(x - r.defaults.score);
  const vsOptuna = r.ours.score - r.optuna.score;
  return [
    `Tuning xgboost on ${r.trainRows} training rows of the embedded fraud data, ${o.folds}-fold stratified CV (the same folds), ${o.trials} trials`,
    textTable(["search", "CV PR AUC", "− default", "seconds", "evaluations"], [
      ["default parameters", f(r.defaults.score), "—", r.defaults.seconds.toFixed(1), "1"],
      [
        "ours: random + successive halving",
        f(r.ours.score),
        gain(r.ours.score),
        r.ours.seconds.toFixed(1),
        r.ours.evaluations,
      ],
      [
        "Optuna TPE + Python xgboost",
        f(r.optuna.score),
        gain(r.optuna.score),
        r.optuna.seconds.toFixed(1),
        String(o.trials),
      ],
      [
        "Optuna TPE + our engine (ask/tell)",
        f(r.asked.score),
        gain(r.asked.score),
        r.asked.seconds.toFixed(1),
        String(o.trials),
      ],
      [
        "Optuna's best parameters (Python xgboost's search), our engine",
        f(r.optunaOnOurs),
        gain(r.optunaOnOurs),
        "—",
        "1",
      ],
    ]),
    "quality, not speed: CV PR AUC differences (higher is better; > 0 = ours better)",
    `ours − Optuna on the same engine: ${f(r.ours.score - r.asked.score)}`,
    `ours − Optuna with Python xgboost: ${f(vsOptuna)}, ${goalCheck(vsOptuna, GOAL)}`,
    goalSummary([{ what: "ours − Optuna with Python xgboost", value: vsOptuna, goal: GOAL }]),
  ].join("\n");
}

/** Optuna's TPE proposing, our engine scoring on the same folds (ask/tell over a pipe). */
async function optunaOnOurEngine(
  o: TuneBenchOptions,
  d: { config: TrainingConfig; score: (params: Record<string, number>) => Promise<number> },
): Promise<{ best: number }> {
  const dir = await Deno.makeTempDir();
  try {
    const spec = { space: searchSpace("xgboost"), trials: o.trials, seed: o.seed };
    await Deno.writeTextFile(join(dir, "spec.json"), JSON.stringify(spec));
    const child = new Deno.Command(o.python, {
      args: ["tasks/bench/optuna_ask_tell.py", join(dir, "spec.json")],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const writer = child.stdin.getWriter();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(textLines());
    let best = NaN;
    for await (const line of lines) {
      const msg = JSON.parse(line);
      if (msg.ask) await writer.write(new TextEncoder().encode(`${await d.score(msg.ask)}\n`));
      else best = msg.best;
    }
    await writer.close().catch(() => {});
    await child.status;
    return { best };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function runOptuna(
  o: TuneBenchOptions,
  d: {
    train: { frame: import("../../lib/data/frame.ts").Frame; labels: Uint8Array };
    folds: ReturnType<typeof stratifiedKFold>;
    config: TrainingConfig;
  },
): Promise<{ best: number; seconds: number; params: Record<string, number> }> {
  const dir = await Deno.makeTempDir();
  try {
    const { frame, labels } = d.train;
    await writeMatrix(join(dir, "d.x"), frame);
    await Deno.writeFile(join(dir, "d.y"), labels);
    const fold = new Array<number>(frame.rows).fill(-1);
    d.folds.forEach((f, k) => f.test.forEach((i) => fold[i] = k));
    const spec = {
      base: join(dir, "d"),
      features: frame.width,
      fold,
      folds: d.folds.length,
      space: searchSpace("xgboost"),
      trials: o.trials,
      rounds: 100,
      early_stopping_rounds: d.config.tune.earlyStoppingRounds,
      seed: o.seed,
    };
    await Deno.writeTextFile(join(dir, "spec.json"), JSON.stringify(spec));
    const out = await new Deno.Command(o.python, {
      args: ["tasks/bench/optuna_tune.py", join(dir, "spec.json")],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
