/**
 * Successive halving (Hyperband's inner loop): every configuration is scored on the smallest
 * budget; the best 1/η go on to η times the budget, and so on up to the full budget. Scores are
 * "higher is better"; ties keep the earlier configuration. A time budget stops starting new
 * evaluations (those finished still count).
 *
 * @module
 */

/** One evaluation of a configuration at a rung. */
export interface TrialResult<C> {
  /** Index of the configuration. */
  readonly trial: number;
  readonly config: C;
  readonly rung: number;
  readonly budget: number;
  readonly score: number;
  readonly seconds: number;
}

/** Options of {@link successiveHalving}. */
export interface HalvingOptions<C> {
  readonly configs: readonly C[];
  /** Budgets of the rungs, increasing (e.g. boosting rounds 11, 33, 100); one rung = plain search. */
  readonly budgets: readonly number[];
  /** Keep the best 1/eta at each rung. */
  readonly eta: number;
  /** Scores a configuration at a budget. */
  readonly evaluate: (config: C, budget: number, trial: number) => Promise<number>;
  /** Called after each evaluation, and once per rung with its survivors. */
  readonly onResult?: (r: TrialResult<C>) => Promise<void> | void;
  readonly onRung?: (rung: number, kept: readonly TrialResult<C>[]) => void;
  /** Stop starting evaluations after this many seconds (0 = no limit). */
  readonly timeBudgetSeconds?: number;
}

/** The best configuration at the highest rung reached, and every evaluation. */
export interface HalvingOutcome<C> {
  readonly best: TrialResult<C>;
  readonly results: readonly TrialResult<C>[];
  /** True when the time budget cut the search short. */
  readonly timedOut: boolean;
}

/**
 * Runs the rungs.
 *
 * @throws {RangeError} without configurations or budgets.
 */
export async function successiveHalving<C>(options: HalvingOptions<C>): Promise<HalvingOutcome<C>> {
  if (!options.configs.length || !options.budgets.length) {
    throw new RangeError("Expected at least one configuration and one budget");
  }
  const started = performance.now(), limit = (options.timeBudgetSeconds ?? 0) * 1000;
  const results: TrialResult<C>[] = [];
  let alive = options.configs.map((_, i) => i), timedOut = false;
  let top: TrialResult<C>[] = [];
  for (const [rung, budget] of options.budgets.entries()) {
    const scored: TrialResult<C>[] = [];
    for (const trial of alive) {
      if (limit > 0 && performance.now() - started > limit && (scored.length || top.length)) {
        timedOut = true;
        break;
      }
      const t0 = performance.now();
      const score = await options.evaluate(options.configs[trial]!, budget, trial);
      const r = {
        trial,
        config: options.configs[trial]!,
        rung,
        budget,
        score,
        seconds: (performance.now() - t0) / 1000,
      };
      scored.push(r);
      results.push(r);
      await options.onResult?.(r);
    }
    if (!scored.length) break;
    const ranked = [...scored].sort((a, b) => rank(b) - rank(a) || a.trial - b.trial);
    top = ranked;
    const last = rung === options.budgets.length - 1;
    const kept = last
      ? ranked.slice(0, 1)
      : ranked.slice(0, Math.max(1, Math.ceil(ranked.length / options.eta)));
    options.onRung?.(rung, kept);
    if (timedOut) break;
    alive = kept.map((r) => r.trial);
  }
  return { best: top[0]!, results, timedOut };
}

/** NaN scores rank last. */
function rank(r: { score: number }): number {
  return Number.isNaN(r.score) ? -Infinity : r.score;
}

/**
 * Rung budgets from `min` up to `max` by factors of `eta` (the last is always `max`):
 * e.g. `(12, 100, 3)` → `[12, 33, 100]`... as `max / eta^k` rounded, down to at least `min`.
 */
export function rungBudgets(min: number, max: number, eta: number): number[] {
  const out = [max];
  for (let b = max / eta; b >= min; b /= eta) out.unshift(Math.round(b));
  return out;
}
