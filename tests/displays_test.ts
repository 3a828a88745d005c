/**
 * What the entry module's results show in Jupyter: the hook the Deno kernel calls
 * (`Symbol.for("Jupyter.display")`) on a trained model of each kind, an explanation, a drift
 * report between two frames, and a training result; no glue call.
 */

import assert from "node:assert/strict";
import {
  config,
  driftBetween,
  explain,
  Frame,
  GradientBoosting,
  LogisticRegression,
  train,
} from "../lib/mod.ts";

const DISPLAY = Symbol.for("Jupyter.display");

async function shown(value: unknown): Promise<string> {
  const hook = (value as Record<symbol, unknown>)[DISPLAY];
  assert.equal(typeof hook, "function", "displays itself");
  const bundle = await (hook as () => Promise<Record<string, string>>).call(value);
  return bundle["text/html"]!;
}

Deno.test("models, explanations, drift reports and training results display themselves as HTML", async () => {
  const n = 400;
  const amount = Float64Array.from({ length: n }, (_, i) => (i * 37) % 101);
  const hour = Float64Array.from({ length: n }, (_, i) => (i * 13) % 24);
  const x = new Frame(["amount", "hour"], [amount, hour]);
  const y = Uint8Array.from(amount, (a, i) => (a + hour[i]! > 80 ? 1 : 0));
  const trees = await new GradientBoosting({ num_boost_round: 5, max_depth: 2 }).fit(x, y);
  const linear = new LogisticRegression().fitSync(x, y);
  assert.match(await shown(trees), /xgboost model.*trees<\/th><td>5</s);
  assert.match(await shown(linear), /logistic_regression model.*terms<\/th><td>2</s);
  const why = explain(trees, x);
  assert.equal(why.rows, n);
  assert.match(await shown(why), /SHAP values of 400 rows.*<td>amount<\/td>/s);
  const drift = driftBetween(x, new Frame(["amount", "hour"], [amount.map((a) => a + 60), hour]));
  assert.ok(drift.driftFound);
  assert.match(await shown(drift), /class="drift-report"/);
  const dir = await Deno.makeTempDir();
  const result = await train(config({
    data: { maxSamples: 800 },
    model: { type: "logistic_regression" },
    mlflow: { trackingUri: `sqlite:///${dir}/mlflow.db` },
  }, { env: {} }));
  const html = await shown(result);
  assert.ok(html.includes(result.runId) && html.includes('class="metrics-table"'), html);
  const hook = Object.getOwnPropertyDescriptor(result, DISPLAY);
  assert.equal(hook?.enumerable, false, "the hook is not a field: spreads and JSON leave it out");
  await Deno.remove(dir, { recursive: true });
});
