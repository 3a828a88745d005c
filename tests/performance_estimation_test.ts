/**
 * Performance without labels, checked against NannyML 0.13.1 on its own synthetic car-loan data
 * (reference and analysis shipped with the package): CBPE's estimates, sampling errors, bands and
 * alerts per chunk, the realized performance per chunk once labels are given, and the data
 * reconstruction drift — all through `deno task drift` on files, as a user runs it.
 *
 * Tolerance 1e-6 on every estimate, sampling error, bound, threshold (and 1e-12 on realized
 * values) but one: ROC AUC's sampling error ranks tied reference scores, and NannyML ranks ties in
 * whatever order numpy's unstable argsort leaves them — an order that changes with the CPU's
 * vector unit (its own value moves by 3.4e-6 between numpy's AVX-512 and plain paths on this data,
 * which has 101 distinct scores). Ours ranks ties in row order, so that sampling error is held to
 * 1e-5 and its bounds (± 3 of it) to 3e-5.
 *
 * @module
 */

import assert from "node:assert/strict";
import { runPython } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

const METRICS = ["roc_auc", "f1", "precision", "recall", "specificity", "accuracy"];

/** NannyML's results on its car-loan data, and the files it read (written by pandas). */
async function nannymlResults(dir: string, chunking: string) {
  return await runPython<NannymlOut>(
    `
import os, warnings
os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"
warnings.filterwarnings("ignore")
import nannyml as nml
ref, ana, tgt = nml.load_synthetic_car_loan_dataset()
d = data["dir"]
labeled = ana.merge(tgt, on="id")
ref.to_parquet(f"{d}/reference.parquet", index=False)
ana.to_parquet(f"{d}/analysis.parquet", index=False)
labeled.to_parquet(f"{d}/labeled.parquet", index=False)
chunking = {"chunk_size": 5000} if data["chunking"] == "size" else {"chunk_period": "W"}
common = dict(problem_type="classification_binary", y_pred_proba="y_pred_proba", y_pred="y_pred",
              y_true="repaid", timestamp_column_name="timestamp", metrics=data["metrics"], **chunking)
cbpe = nml.CBPE(**common).fit(ref)
est = cbpe.estimate(ana).filter(period="analysis").to_df()
calc = nml.PerformanceCalculator(**common).fit(ref)
real = calc.calculate(labeled).filter(period="analysis").to_df()
features = ["car_value", "salary_range", "debt_to_income_ratio", "loan_length",
            "repaid_loan_on_prev_car", "size_of_downpayment", "driver_tenure"]
drc = nml.DataReconstructionDriftCalculator(column_names=features, timestamp_column_name="timestamp",
                                            **chunking).fit(ref)
rec = drc.calculate(ana).filter(period="analysis").to_df()
num = lambda v: None if v is None or v != v else float(v)
def rows(df, metric, fields):
    return [{f: (bool(r[(metric, f)]) if f == "alert" else num(r[(metric, f)])) for f in fields}
            for _, r in df.iterrows()]
est_fields = ["value", "sampling_error", "lower_confidence_boundary", "upper_confidence_boundary",
              "lower_threshold", "upper_threshold", "alert"]
out = {
    "calibrated": bool(cbpe.needs_calibration),
    "keys": [r[("chunk", "key")] for _, r in est.iterrows()],
    "estimated": {m: rows(est, m, est_fields) for m in data["metrics"]},
    "realized": {m: rows(real, m, ["value", "sampling_error"]) for m in data["metrics"]},
    "reconstruction": rows(rec, "reconstruction_error", est_fields),
}
`,
    { dir, chunking, metrics: METRICS },
  );
}

interface NannymlRow {
  value: number | null;
  sampling_error: number | null;
  lower_confidence_boundary?: number | null;
  upper_confidence_boundary?: number | null;
  lower_threshold?: number | null;
  upper_threshold?: number | null;
  alert?: boolean;
}

interface NannymlOut {
  calibrated: boolean;
  keys: string[];
  estimated: Record<string, NannymlRow[]>;
  realized: Record<string, NannymlRow[]>;
  reconstruction: NannymlRow[];
}

interface OurChunk {
  key: string;
  value: number | null;
  sampling_error: number | null;
  lower_confidence_bound: number | null;
  upper_confidence_bound: number | null;
  alert: boolean;
}

interface OurMeasure {
  measure: string;
  lower_threshold: number | null;
  upper_threshold: number | null;
  chunks: OurChunk[];
}

/** Our report between NannyML's files. */
async function ourReport(dir: string, current: string, chunkFlags: string[]) {
  const out = `${dir}/report-${current}.json`;
  const run = await runTask("drift", [
    "--reference",
    `${dir}/reference.parquet`,
    "--current",
    `${dir}/${current}.parquet`,
    "--label-column",
    "repaid",
    "--prediction-column",
    "y_pred_proba",
    "--predicted-class-column",
    "y_pred",
    "--timestamp-column",
    "timestamp",
    "--id-columns",
    "id",
    ...chunkFlags,
    "--output",
    out,
  ]);
  assert([0, 3].includes(run.code), run.stderr);
  const report = JSON.parse(await Deno.readTextFile(out));
  const measures = report.chunks.measures as OurMeasure[];
  return { report, measure: (name: string) => measures.find((m) => m.measure === name)! };
}

/** The largest difference between two lists of numbers (null = NaN on both sides). */
function worst(ours: (number | null)[], theirs: (number | null)[]): number {
  assert.deepEqual(ours.length, theirs.length);
  return Math.max(...ours.map((v, i) => {
    const w = theirs[i] ?? null;
    if (v === null || w === null) return v === w ? 0 : Infinity;
    return Math.abs(v - w);
  }));
}

/** Our chunks of a measure against NannyML's rows, field by field. */
function compareChunks(
  ours: OurMeasure,
  theirs: NannymlRow[],
  tolerance: { value: number; error: number },
): void {
  const pick = (f: (c: OurChunk) => number | null) => ours.chunks.map(f);
  const field = (f: keyof NannymlRow) => theirs.map((r) => r[f] as number | null);
  const at = `${ours.measure}`;
  assert(worst(pick((c) => c.value), field("value")) <= tolerance.value, `${at} value`);
  assert(
    worst(pick((c) => c.sampling_error), field("sampling_error")) <= tolerance.error,
    `${at} SE`,
  );
  if (theirs[0]!.alert === undefined) return;
  const bounds = [
    [pick((c) => c.lower_confidence_bound), field("lower_confidence_boundary")],
    [pick((c) => c.upper_confidence_bound), field("upper_confidence_boundary")],
  ] as const;
  // The bounds are value ± 3 sampling errors: ROC AUC's carry its error's tolerance three times.
  const boundTolerance = tolerance.error > 1e-6 ? 3 * tolerance.error : 1e-6;
  for (const [o, t] of bounds) assert(worst(o, t) <= boundTolerance, `${at} bounds`);
  const thresholds = [ours.lower_threshold, ours.upper_threshold];
  const band = [theirs[0]!.lower_threshold ?? null, theirs[0]!.upper_threshold ?? null];
  assert(worst(thresholds, band) <= 1e-6, `${at} thresholds ${thresholds} vs ${band}`);
  assert.deepEqual(ours.chunks.map((c) => c.alert), theirs.map((r) => r.alert), `${at} alerts`);
}

Deno.test("CBPE, realized performance and reconstruction error per chunk equal NannyML's on its car-loan data", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nml = await nannymlResults(dir, "size");
    const { report, measure } = await ourReport(dir, "analysis", ["--chunk-size", "5000"]);
    assert.deepEqual(report.chunks.calibrated, nml.calibrated);
    assert.deepEqual(measure("estimated_roc_auc").chunks.map((c) => c.key), nml.keys);
    for (const m of METRICS) {
      const error = m === "roc_auc" ? 1e-5 : 1e-6;
      compareChunks(measure(`estimated_${m}`), nml.estimated[m]!, { value: 1e-6, error });
    }
    compareChunks(measure("reconstruction_error"), nml.reconstruction, {
      value: 1e-6,
      error: 1e-6,
    });
    // NannyML alerts on the shifted half, and so do our estimated ROC AUC and the alarm.
    assert(nml.estimated["roc_auc"]!.some((r) => r.alert));
    const triggers = report.alarms.map((a: { trigger: string }) => a.trigger);
    assert(triggers.includes("estimated_performance") && triggers.includes("multivariate"));
    // With the labels released, the realized metrics per chunk equal NannyML's calculator's.
    const labeled = await ourReport(dir, "labeled", ["--chunk-size", "5000"]);
    for (const m of METRICS) {
      const error = m === "roc_auc" ? 1e-5 : 1e-6;
      compareChunks(labeled.measure(`realized_${m}`), nml.realized[m]!, { value: 1e-12, error });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("weekly chunks have NannyML's keys and estimates", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nml = await nannymlResults(dir, "week");
    const { measure } = await ourReport(dir, "analysis", ["--chunk-by", "week"]);
    const auc = measure("estimated_roc_auc");
    assert.deepEqual(auc.chunks.map((c) => c.key), nml.keys);
    compareChunks(auc, nml.estimated["roc_auc"]!, { value: 1e-6, error: 1e-5 });
    compareChunks(measure("estimated_f1"), nml.estimated["f1"]!, { value: 1e-6, error: 1e-6 });
    compareChunks(measure("reconstruction_error"), nml.reconstruction, {
      value: 1e-6,
      error: 1e-6,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
