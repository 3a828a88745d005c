/**
 * Calibration of the drift tests: the no-shift false-alarm rate of every feature over seeded pairs
 * of embedded samples drawn from one distribution — the default tests beside the goodness-of-fit
 * chi-square (`deno task calibrate:drift`, the README's table).
 *
 * @module
 */

import { z } from "zod";
import { detectDataDrift, type FeatureColumn } from "../drift/data_drift.ts";
import { TRANSACTION_VIEW } from "../features/catalog.ts";
import { embeddedFeatures } from "../features/embedded_source.ts";

/** How many pairs, how large, at which α. */
export const CalibrationOptionsSchema = z.strictObject({
  pairs: z.number().int().min(1).default(500),
  samples: z.number().int().min(10).default(1000),
  alpha: z.number().gt(0).lt(1).default(0.05),
});

/** One feature's false-alarm rates. */
export interface FalseAlarms {
  readonly feature: string;
  readonly kind: string;
  /** The default test's name. */
  readonly test: string;
  /** Share of pairs where the default test flagged drift. */
  readonly rate: number;
  /** The same with the goodness-of-fit chi-square (categorical and boolean features only). */
  readonly goodnessOfFit: number | null;
}

const SNAPSHOT = "2024-06-03T03:00:00Z";

function columns(seed: number, samples: number): FeatureColumn[] {
  const { frame } = embeddedFeatures({ samples, seed, snapshotTime: SNAPSHOT });
  return TRANSACTION_VIEW.features.map((f) => ({
    name: f.name,
    kind: f.kind,
    values: frame.column(f.name),
  }));
}

/** False-alarm rates per feature over `pairs` seeded no-shift pairs. */
export function falseAlarmRates(options: z.infer<typeof CalibrationOptionsSchema>): FalseAlarms[] {
  const { pairs, samples, alpha } = options;
  const gof = { byKind: { categorical: "chi_square", boolean: "chi_square" } } as const;
  const byDefault = new Map<string, number>(), byGof = new Map<string, number>();
  const tests = new Map<string, string>();
  const count = (m: Map<string, number>, name: string, drifted: boolean) =>
    m.set(name, (m.get(name) ?? 0) + (drifted ? 1 : 0));
  for (let s = 0; s < pairs; s++) {
    const a = columns(10_000 + 2 * s, samples), b = columns(10_001 + 2 * s, samples);
    for (const f of detectDataDrift(a, b, { significanceLevel: alpha }).features) {
      count(byDefault, f.name, f.drifted);
      tests.set(f.name, f.test);
    }
    for (const f of detectDataDrift(a, b, { significanceLevel: alpha, tests: gof }).features) {
      count(byGof, f.name, f.drifted);
    }
  }
  return TRANSACTION_VIEW.features.map((f) => ({
    feature: f.name,
    kind: f.kind,
    test: tests.get(f.name)!,
    rate: byDefault.get(f.name)! / pairs,
    goodnessOfFit: f.kind === "continuous" ? null : byGof.get(f.name)! / pairs,
  }));
}
