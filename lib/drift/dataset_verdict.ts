/**
 * The dataset-level verdict of data drift, from named triggers, each reported with its value and
 * threshold: the share of drifted features (Evidently's dataset rule), the share of the model's
 * importance those features carry (a shift in what the model leans on matters more than one in
 * what it ignores), reference features missing from the current sample (a schema change), and
 * features whose missing share rose (a broken upstream feed). Shares are of the features that
 * could be measured.
 *
 * @module
 */

/** One trigger of the dataset verdict. */
export interface DatasetTrigger {
  readonly name: "drift_share" | "importance_share" | "schema" | "missing_values";
  /**
   * What was measured: a share, the number of missing features, or the largest rise of a
   * feature's missing share.
   */
  readonly value: number;
  /** Where it fires (`value ≥ threshold`). */
  readonly threshold: number;
  readonly fired: boolean;
}

/** The dataset verdict. */
export interface DatasetVerdict {
  /** Some trigger fired. */
  readonly drifted: boolean;
  readonly driftedCount: number;
  /** Features both samples held enough values of to test. */
  readonly measuredCount: number;
  /** Drifted features / measured features. */
  readonly driftedShare: number;
  /** Importance share of the drifted features (null without a model). */
  readonly driftedImportanceShare: number | null;
  /** The triggers evaluated (importance only with a model and a threshold). */
  readonly triggers: readonly DatasetTrigger[];
  readonly nReference: number;
  readonly nCurrent: number;
}

/** Rules of {@link datasetVerdict}. */
export interface VerdictRules {
  /** Drifted-feature share that fires. */
  readonly driftShare: number;
  /** Drifted importance share that fires (off when unset). */
  readonly importanceShare?: number;
  /** Whether importance shares are known. */
  readonly hasImportance: boolean;
  /** Rise of a feature's missing share that fires `missing_values`. */
  readonly missingShareRise: number;
}

/** Feature results the verdict reads. */
interface Judged {
  readonly drifted: boolean;
  readonly measurable: boolean;
  readonly missingShare: { readonly reference: number; readonly current: number };
  readonly importance: number | null;
  readonly nReference: number;
  readonly nCurrent: number;
}

/**
 * Evaluates the triggers over judged features and the missing reference features.
 *
 * @example One measured feature, drifted
 * ```ts
 * import { datasetVerdict } from "./dataset_verdict.ts";
 * const f = {
 *   drifted: true,
 *   measurable: true,
 *   missingShare: { reference: 0, current: 0 },
 *   importance: null,
 *   nReference: 500,
 *   nCurrent: 500,
 * };
 * datasetVerdict([f], [], { driftShare: 0.5, hasImportance: false, missingShareRise: 0.1 })
 *   .drifted; // true
 * ```
 */
export function datasetVerdict(
  features: readonly Judged[],
  missingFeatures: readonly string[],
  rules: VerdictRules,
): DatasetVerdict {
  const drifted = features.filter((f) => f.drifted);
  const measured = features.filter((f) => f.measurable).length;
  const driftedShare = measured ? drifted.length / measured : 0;
  const importanceShare = rules.hasImportance
    ? drifted.reduce((s, f) => s + (f.importance ?? 0), 0)
    : null;
  const triggers: DatasetTrigger[] = [{
    name: "drift_share",
    value: driftedShare,
    threshold: rules.driftShare,
    fired: measured > 0 && driftedShare >= rules.driftShare,
  }];
  if (importanceShare !== null && rules.importanceShare !== undefined) {
    triggers.push({
      name: "importance_share",
      value: importanceShare,
      threshold: rules.importanceShare,
      fired: importanceShare >= rules.importanceShare,
    });
  }
  triggers.push({
    name: "schema",
    value: missingFeatures.length,
    threshold: 1,
    fired: missingFeatures.length > 0,
  });
  const rise = Math.max(
    0,
    ...features.map((f) => f.missingShare.current - f.missingShare.reference),
  );
  triggers.push({
    name: "missing_values",
    value: rise,
    threshold: rules.missingShareRise,
    fired: rise >= rules.missingShareRise,
  });
  return {
    drifted: triggers.some((t) => t.fired),
    driftedCount: drifted.length,
    measuredCount: measured,
    driftedShare,
    driftedImportanceShare: importanceShare,
    triggers,
    nReference: Math.max(0, ...features.map((f) => f.nReference)),
    nCurrent: Math.max(0, ...features.map((f) => f.nCurrent)),
  };
}
