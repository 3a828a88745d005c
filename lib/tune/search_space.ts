/**
 * Search spaces for hyperparameter tuning: per model type, the parameters searched and their
 * ranges (uniform, log-uniform, integer), overridable per parameter in the config; and a seeded
 * sampler of configurations.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { Rng } from "../util/rng.ts";

/** One searched parameter: a range (log-uniform with `log`, integers with `int`) or choices. */
export type ParamRange =
  | {
    readonly low: number;
    readonly high: number;
    readonly log?: boolean | undefined;
    readonly int?: boolean | undefined;
  }
  | { readonly choices: readonly (number | string | boolean)[] };

/** A search space: parameter name → range. */
export type SearchSpace = Readonly<Record<string, ParamRange>>;

const R = (low: number, high: number, more: { log?: boolean; int?: boolean } = {}) => ({
  low,
  high,
  ...more,
});

/** The default space of each model type (XGBoost's parameter names). */
export const DEFAULT_SPACES: Readonly<Record<string, SearchSpace>> = {
  xgboost: {
    max_depth: R(3, 10, { int: true }),
    eta: R(0.02, 0.3, { log: true }),
    min_child_weight: R(0.5, 20, { log: true }),
    subsample: R(0.5, 1),
    colsample_bytree: R(0.5, 1),
    lambda: R(1e-3, 10, { log: true }),
    alpha: R(1e-3, 10, { log: true }),
  },
  lightgbm: {
    max_leaves: R(8, 128, { int: true }),
    eta: R(0.02, 0.3, { log: true }),
    min_child_weight: R(1e-3, 10, { log: true }),
    subsample: R(0.5, 1),
    colsample_bytree: R(0.5, 1),
    lambda: R(1e-3, 10, { log: true }),
    alpha: R(1e-3, 10, { log: true }),
  },
  random_forest: {
    max_depth: R(4, 16, { int: true }),
    min_child_weight: R(0.5, 20, { log: true }),
    subsample: R(0.5, 1),
    colsample_bynode: R(0.3, 1),
  },
  logistic_regression: { C: R(1e-3, 100, { log: true }) },
};

/**
 * The space of `type` with `overrides` replacing (or adding) parameters.
 *
 * @throws {ConfigError} for a model type without a space, or a range whose low exceeds its high.
 */
export function searchSpace(type: string, overrides: SearchSpace = {}): SearchSpace {
  const base = DEFAULT_SPACES[type];
  if (!base) throw new ConfigError([`tune: no search space for model type "${type}"`]);
  const problems = Object.entries(overrides).flatMap(([name, r]) =>
    "low" in r && !(r.low <= r.high)
      ? [`tune.space.${name}: low ${r.low} exceeds high ${r.high}`]
      : "low" in r && r.log && r.low <= 0
      ? [`tune.space.${name}: a log range needs low > 0, got ${r.low}`]
      : []
  );
  if (problems.length) throw new ConfigError(problems);
  return { ...base, ...overrides };
}

/** `n` configurations drawn from `space` with a seeded stream (parameters in name order). */
export function sampleConfigurations(
  space: SearchSpace,
  n: number,
  seed: number,
): Record<string, number | string | boolean>[] {
  const rng = new Rng(seed);
  const names = Object.keys(space).sort();
  return Array.from(
    { length: n },
    () => Object.fromEntries(names.map((name) => [name, draw(space[name]!, rng)])),
  );
}

function draw(r: ParamRange, rng: Rng): number | string | boolean {
  if ("choices" in r) return r.choices[Math.floor(rng.next() * r.choices.length)]!;
  const u = rng.next();
  if (r.int) return Math.min(r.high, Math.floor(r.low + u * (r.high - r.low + 1)));
  const v = r.log
    ? Math.exp(Math.log(r.low) + u * (Math.log(r.high) - Math.log(r.low)))
    : r.low + u * (r.high - r.low);
  return Number(v.toPrecision(6));
}

/**
 * `n` configurations near `center`: each parameter moved by a seeded normal step of `scale` × its
 * range (on the log scale for log ranges), clipped to the range; choices kept with probability
 * 1 − scale. The exploitation step after the halving: a TPE-like narrowing around the incumbent.
 */
export function sampleAround(
  space: SearchSpace,
  center: Readonly<Record<string, number | string | boolean>>,
  sampling: { n: number; seed: number; scale: number },
): Record<string, number | string | boolean>[] {
  const rng = new Rng(sampling.seed);
  const names = Object.keys(space).sort();
  return Array.from({ length: sampling.n }, () =>
    Object.fromEntries(names.map((name) => {
      const r = space[name]!, c = center[name];
      if ("choices" in r) {
        return [name, rng.next() < sampling.scale ? draw(r, rng) : c ?? draw(r, rng)];
      }
      const [lo, hi] = r.log ? [Math.log(r.low), Math.log(r.high)] : [r.low, r.high];
      const at = typeof c === "number" ? (r.log ? Math.log(c) : c) : (lo + hi) / 2;
      const moved = Math.min(hi, Math.max(lo, at + rng.normal() * sampling.scale * (hi - lo)));
      const v = r.log ? Math.exp(moved) : moved;
      return [name, r.int ? Math.round(v) : Number(v.toPrecision(6))];
    })));
}
