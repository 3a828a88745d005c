/**
 * The Dask engine (`model.engine: "dask"`): the heavy fit handed to XGBoost's own distributed
 * trainer, `xgboost.dask`, on an existing Dask cluster, with everything else — features, labels,
 * splits, CV, evaluation, tracking, registry, ONNX, explanations — as with the local engine.
 *
 * Each fit writes its rows as Parquet partitions into a folder every worker can read
 * (`model.dask.shared`), runs the project's Python entry point (`tasks/dask/train_xgboost.py`)
 * with the run's XGBoost parameters mapped one to one, relays its progress per boosting round, and
 * loads the booster's JSON through our own loader: the model is ours, byte-compatible with the
 * booster the cluster trained. The folder is removed afterwards.
 *
 * @module
 */

import { join, resolve } from "node:path";
import type { TrainingConfig } from "../config/schema.ts";
import { tableBytes } from "../data/table_bytes.ts";
import type { Frame } from "../data/frame.ts";
import { ConfigError, EnvironmentError } from "../errors.ts";
import { createEstimator, loadModel } from "../models/factory.ts";
import type { Classifier, Estimator, FitOptions } from "../models/model.ts";
import type { Logger } from "../util/logger.ts";
import { textLines } from "../util/lines.ts";

/** How the engine reaches the cluster and the entry point. */
export interface DaskSettings {
  /** The scheduler's address (`tcp://host:port`). */
  readonly scheduler: string;
  /** A folder every worker reads at the same path. */
  readonly shared: string;
  /** Parquet partitions per fit. */
  readonly partitions: number;
  /** The Python that runs the entry point (the project's `.venv`, prepared on first use). */
  readonly python: () => Promise<string>;
  /** The entry point (`tasks/dask/train_xgboost.py`). */
  readonly script: string;
  readonly log?: Logger;
  /** Aborting stops the fit on the cluster. */
  readonly signal?: AbortSignal;
}

/** Our parameters that the entry point does not pass to XGBoost as they are. */
const NOT_PASSED = new Set(["num_boost_round", "early_stopping_rounds", "nthread"]);

/**
 * The estimator of `config.model` on the Dask engine.
 *
 * @throws {ConfigError} one line per setting that has no Dask equivalent here.
 */
export function daskEstimator(config: TrainingConfig, settings: DaskSettings): Estimator {
  const problems: string[] = [];
  if (config.model.type === "logistic_regression") {
    problems.push("model.engine: dask trains tree models (xgboost, lightgbm, random_forest)");
  }
  if (config.tune.enabled) problems.push("tune.enabled: tuning runs on the local engine only");
  if (problems.length) throw new ConfigError(problems);
  const local = createEstimator({
    type: config.model.type,
    params: config.model.params,
    seed: config.seed,
  });
  const p = local.params;
  if (p.enable_categorical) {
    problems.push("model.params.enable_categorical: native categorical splits are local only");
  }
  if (String(p.objective).startsWith("rank:")) {
    problems.push("model.params.objective: ranking objectives are local only");
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    type: local.type,
    params: p,
    fit: (frame, labels, options) => fitOnCluster({ frame, labels, options, params: p, settings }),
  };
}

/** XGBoost's parameters for the entry point: ours by their names, `hist` trees. */
export function xgboostParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { tree_method: "hist" };
  for (const [k, v] of Object.entries(params)) {
    if (
      v === undefined || NOT_PASSED.has(k) ||
      /^(lambdarank_|ndcg_|max_cat_|cat_smooth$|cat_l2$|min_data_per_group$)/.test(k)
    ) continue;
    out[k] = v;
  }
  return out;
}

/** One fit on the cluster: rows out as Parquet, the entry point run, the booster loaded. */
async function fitOnCluster(job: {
  frame: Frame;
  labels: Uint8Array;
  options: FitOptions | undefined;
  params: Readonly<Record<string, unknown>>;
  settings: DaskSettings;
}): Promise<Classifier> {
  const { frame, labels, options = {}, params, settings } = job;
  // Categorical splits were refused with the estimator (model.params.enable_categorical).
  if (options.groups) {
    throw new ConfigError(["model.engine: query groups are local only"]);
  }
  // Absolute: the workers read the paths as written here.
  const dir = resolve(settings.shared, `fit-${crypto.randomUUID()}`);
  await Deno.mkdir(dir, { recursive: true });
  try {
    const train = await writePartitions(join(dir, "train"), {
      frame,
      labels,
      weights: options.weights,
      partitions: settings.partitions,
    });
    const evalSet = options.evalSets?.[0];
    const evalPaths = evalSet
      ? await writePartitions(join(dir, "eval"), {
        frame: evalSet.frame,
        labels: evalSet.labels,
        weights: evalSet.weights,
        partitions: 1,
      })
      : null;
    const out = join(dir, "booster.json");
    const spec = {
      scheduler: settings.scheduler,
      train,
      eval: evalPaths,
      label: "__label__",
      weight: options.weights ? "__weight__" : null,
      params: xgboostParams(params),
      num_boost_round: params.num_boost_round,
      early_stopping_rounds: evalPaths ? params.early_stopping_rounds ?? null : null,
      out,
    };
    await Deno.writeTextFile(join(dir, "job.json"), JSON.stringify(spec));
    await runEntryPoint(join(dir, "job.json"), settings);
    const model = loadModel(JSON.parse(await Deno.readTextFile(out)));
    if (model.featureNames.join("\u0000") !== frame.names.join("\u0000")) {
      throw new EnvironmentError("the Dask fit returned a booster of other features");
    }
    return model;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Rows as Parquet partitions (features, `__label__`, `__weight__`); their paths. */
async function writePartitions(
  dir: string,
  o: {
    frame: Frame;
    labels: ArrayLike<number>;
    weights?: ArrayLike<number> | undefined;
    partitions: number;
  },
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const n = o.frame.rows, parts = Math.max(1, Math.min(o.partitions, n));
  const paths: string[] = [];
  for (let p = 0; p < parts; p++) {
    const from = Math.floor((p * n) / parts), to = Math.floor(((p + 1) * n) / parts);
    const slice = (v: ArrayLike<number>) =>
      v instanceof Float64Array
        ? v.subarray(from, to) // a view: the frame's columns are Float64Arrays
        : Float64Array.from(Array.prototype.slice.call(v, from, to) as number[]);
    const columns: [string, Float64Array][] = [
      ...o.frame.names.map((name) => [name, slice(o.frame.column(name))] as [string, Float64Array]),
      ["__label__", slice(o.labels)],
      ...(o.weights ? [["__weight__", slice(o.weights)] as [string, Float64Array]] : []),
    ];
    const path = join(dir, `part-${String(p).padStart(4, "0")}.parquet`);
    await Deno.writeFile(path, tableBytes(path, columns));
    paths.push(path);
  }
  return paths;
}

/**
 * Runs the entry point, relaying each round to the log; its error line, or its exit, as one
 * {@link EnvironmentError}.
 */
async function runEntryPoint(jobPath: string, settings: DaskSettings): Promise<void> {
  if (settings.signal?.aborted) throw new EnvironmentError("the Dask fit was cancelled");
  const child = new Deno.Command(await settings.python(), {
    args: [settings.script, jobPath],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stop = () => child.kill("SIGTERM");
  settings.signal?.addEventListener("abort", stop, { once: true });
  let error = "", done = false;
  const stderr = new Response(child.stderr).text();
  for await (
    const line of child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(textLines())
  ) {
    const msg = parseLine(line);
    if (!msg) continue;
    if (typeof msg.error === "string") error = msg.error;
    else if (msg.done) {
      done = true;
      settings.log?.info("dask fit done", {
        rounds: msg.rounds as number,
        client_peak_rss_mb: msg.peak_rss_mb as number,
      });
    } else if (typeof msg.round === "number") {
      settings.log?.info("dask round", {
        round: msg.round,
        ...(msg.metric !== null ? { metric: msg.metric } : {}),
      });
    }
  }
  const status = await child.status;
  settings.signal?.removeEventListener("abort", stop);
  const rest = (await stderr).trim().split("\n").at(-1) ?? "";
  if (settings.signal?.aborted) throw new EnvironmentError("the Dask fit was cancelled");
  if (status.code !== 0 || !done) {
    throw new EnvironmentError(
      `the Dask fit on ${settings.scheduler} failed: ${error || rest || `exit ${status.code}`}`,
    );
  }
}

/** A JSON line, or null. */
function parseLine(line: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(line);
    return typeof v === "object" && v !== null ? v : null;
  } catch {
    return null;
  }
}
