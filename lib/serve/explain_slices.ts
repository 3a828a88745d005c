/**
 * Reason codes for a large request without holding the event loop: TreeSHAP contributions are
 * synchronous (about 0.14 ms a row for a 50-tree, depth-6 model: 1.4 s for 10,000 rows), so they
 * are computed in slices of rows sized to take about `sliceMs` each, yielding between slices —
 * `/healthz` and other requests are answered meanwhile. The result is the same as one call over
 * every row.
 *
 * @module
 */

import { Frame } from "../data/frame.ts";
import { reasonCodes, type ReasonColumn } from "../explain/reason_codes.ts";
import type { Classifier } from "../models/model.ts";

/** Options of {@link reasonCodesInSlices}. */
export interface SliceOptions {
  /** Reasons per row (at most the model's feature count). */
  readonly k: number;
  /** Time one slice aims at, ms. @default 20 */
  readonly sliceMs?: number;
}

/**
 * One turn of the event loop: pending I/O and timers run. About 2 ms a turn here — hence 20 ms
 * slices (10 ms ones cost a third more time in all); a `MessageChannel` turns faster but starves
 * I/O and timers (measured: `/healthz` waited 1.8 s).
 */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The top-`k` reason codes of every row of `frame` (columns in the model's feature order).
 *
 * @example Reason codes without blocking the server
 * ```ts
 * import { Frame } from "../data/frame.ts";
 * import { LogisticRegression } from "../models/logistic_regression.ts";
 * import { reasonCodesInSlices } from "./explain_slices.ts";
 * const frame = new Frame(["amount"], [Float64Array.of(10, 900, 40, 700)]);
 * const model = new LogisticRegression().fitSync(frame, Uint8Array.of(0, 1, 0, 1));
 * const [first] = await reasonCodesInSlices(model, frame, { k: 1 });
 * first?.feature; // ["", "amount", "", "amount"]: amount pushed rows 1 and 3 up
 * ```
 */
export async function reasonCodesInSlices(
  model: Classifier,
  frame: Frame,
  options: SliceOptions,
): Promise<ReasonColumn[]> {
  const names = model.featureNames, rows = frame.rows, target = options.sliceMs ?? 20;
  const take = Math.min(options.k, names.length);
  const out = Array.from({ length: take }, (_, r) => ({
    rank: r + 1,
    feature: new Array<string>(rows).fill(""),
    value: new Float64Array(rows).fill(Number.NaN),
  }));
  let step = 16;
  for (let from = 0; from < rows;) {
    const to = Math.min(rows, from + step), t0 = performance.now();
    const slice = new Frame(frame.names, frame.columns.map((c) => c.subarray(from, to)));
    reasonCodes(model.contributions(slice), names, take).forEach((column, r) => {
      for (let i = 0; i < to - from; i++) out[r]!.feature[from + i] = column.feature[i]!;
      out[r]!.value.set(column.value, from);
    });
    // The next slice's size from this one's time: at most 4× larger, and never below one row.
    const ms = Math.max(performance.now() - t0, 0.01);
    step = Math.max(1, Math.min(step * 4, Math.round((step * target) / ms)));
    from = to;
    if (from < rows) await nextTurn();
  }
  return out;
}
