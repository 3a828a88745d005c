/**
 * `deno task calibrate:drift`: each feature's no-shift false-alarm rate, default tests beside the
 * goodness-of-fit chi-square, as the Markdown table the README shows.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { CalibrationOptionsSchema, falseAlarmRates } from "../lib/pipeline/calibrate_drift.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "pairs", option: "pairs", type: "number", arg: "<n>", help: "seed pairs" },
  { flag: "samples", option: "samples", type: "number", arg: "<n>", help: "rows per sample" },
  { flag: "alpha", option: "alpha", type: "number", arg: "<α>", help: "significance level" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "calibrate:drift",
  summary: "Measure each feature's no-shift false-alarm rate over seeded pairs of samples.",
  usage: ["deno task calibrate:drift [--pairs 500] [--samples 1000] [--alpha 0.05]"],
  options: CalibrationOptionsSchema,
  flags: FLAGS,
});

if (import.meta.main) {
  await runTask(TASK, ({ options }) => {
    const { pairs, samples, alpha } = options;
    const sd = Math.sqrt((alpha * (1 - alpha)) / pairs);
    console.log(
      `No-shift false alarms at α = ${alpha}, ${pairs} seed pairs of ${samples} rows ` +
        `(two binomial s.d. = ±${(2 * sd).toFixed(3)}):\n`,
    );
    console.log("| feature | kind | default test | false alarms | goodness-of-fit chi-square |");
    console.log("| --- | --- | --- | --- | --- |");
    for (const r of falseAlarmRates(options)) {
      const gof = r.goodnessOfFit === null ? "—" : r.goodnessOfFit.toFixed(3);
      console.log(`| ${r.feature} | ${r.kind} | ${r.test} | ${r.rate.toFixed(3)} | ${gof} |`);
    }
  });
}
