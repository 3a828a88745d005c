"""Writes notebooks/*.ipynb (committed without outputs), the one source of the notebooks. Run after
editing the cells here:  .venv/bin/python tasks/notebooks/make_notebooks.py [--out DIR]
Code cells are written as `deno fmt` leaves them (tests/notebook_source_test.ts checks both that the
committed notebooks are what this writes and that every code cell is deno-fmt clean); cell ids are
stable, so the output is byte for byte the same on every run.
"""
import argparse
import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

META = {
    "kernelspec": {"name": "deno", "display_name": "Deno", "language": "typescript"},
    "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/x.typescript",
                      "codemirror_mode": "typescript", "pygments_lexer": "typescript"},
}

PARAMS = '''// Parameters come from the environment, so the same notebook runs small in tests and large by hand.
import type { TrainingConfig } from "../lib/mod.ts";
const SAMPLES = Number(Deno.env.get("NB_SAMPLES") ?? "10000");
const SEED = Number(Deno.env.get("NB_SEED") ?? "42");
const SOURCE = (Deno.env.get("NB_SOURCE") ?? "embedded") as "embedded" | "redis";
const MODEL_TYPE = (Deno.env.get("NB_MODEL_TYPE") ?? "xgboost") as TrainingConfig["model"]["type"];
const TRACKING = Deno.env.get("NB_TRACKING_URI") ?? "sqlite:///../mlflow.db";
({ SAMPLES, SEED, SOURCE, MODEL_TYPE, TRACKING });'''

CONFIG = '''import { config } from "../lib/mod.ts";
const settings = config({
  data: { maxSamples: SAMPLES, source: SOURCE },
  model: { type: MODEL_TYPE },
  mlflow: { trackingUri: TRACKING },
  seed: SEED,
});
settings.data;'''

def notebook(title, cells):
    nb = new_notebook(metadata=META)
    nb.cells = [new_markdown_cell(title)] + [new_markdown_cell(c) if c.startswith("#") else new_code_cell(c) for c in cells]
    return nb


def stable_ids(name, nb):
    for i, cell in enumerate(nb.cells):
        cell.id = f"{name.split('_')[0]}-{i:02d}"
    return nb

features = notebook("# Features\n\nBoth use cases' features as `deno task train` loads them (`loadLabeledData`): the `transaction` view labeled by the fraud rules, then the `clickstream` view labeled by the purchase-propensity rules.", [
    PARAMS, CONFIG,
    '''import { loadLabeledData, qualityView } from "../lib/mod.ts";
const data = await loadLabeledData(settings);
qualityView(data.quality);''',
    "## Which fraud rules fire, and how often",
    '''import { rulesView } from "../lib/mod.ts";
rulesView(data.labeling, data.features.frame.rows);''',
    "## Distributions by label",
    '''import { featureByLabelFigure } from "../lib/mod.ts";
featureByLabelFigure(data.features.frame, data.labels, { feature: "amount_avg_5m" });''',
    '''featureByLabelFigure(data.features.frame, data.labels, { feature: "velocity_score" });''',
    "## Correlations",
    '''import { correlationFigure } from "../lib/mod.ts";
correlationFigure(data.features.frame);''',
    "## Personalization: the `clickstream` view\n\nThe same loader with `useCase: \"personalization\"`: users' sessions, views, cart adds and purchases, labeled by the propensity rules at a 10% target rate.",
    '''const personalization = config({
  useCase: "personalization",
  data: { maxSamples: SAMPLES, source: SOURCE },
  mlflow: { trackingUri: TRACKING },
  seed: SEED,
});
const clicks = await loadLabeledData(personalization);
qualityView(clicks.quality);''',
    '''rulesView(clicks.labeling, clicks.features.frame.rows);''',
    '''featureByLabelFigure(clicks.features.frame, clicks.labels, {
  feature: "avg_dwell_time_s",
  positive: "purchase",
});''',
    '''featureByLabelFigure(clicks.features.frame, clicks.labels, {
  feature: "recency_score",
  positive: "purchase",
});''',
    '''correlationFigure(clicks.features.frame);''',
    "## What a statistician reads off the propensity model\n\nAn unpenalized logistic regression (`penalty: \"none\"`, as statsmodels' `Logit`) with `category_affinity` and `device_type` one-hot encoded inside the model: coefficients per unit on the original scale, standard errors from the inverse Hessian, 95% intervals and odds ratios. A rare category with (almost) no purchases runs off towards −∞ with an enormous standard error: that is quasi-separation, which the unpenalized fit cannot resolve; the default L2 penalty keeps such terms finite (and its standard errors are then posterior ones, smaller).",
    '''import { coefficientsView, LogisticRegression } from "../lib/mod.ts";
const propensity = new LogisticRegression({ penalty: "none" }).fitSync(
  clicks.features.frame,
  clicks.labels,
  { categorical: clicks.specs.filter((s) => s.kind === "categorical").map((s) => s.name) },
);
coefficientsView(propensity.coefficients());''',
])

training = notebook("# Training\n\nCross-validation, test metrics and charts from `train()` — the function `deno task train` runs.", [
    PARAMS, CONFIG,
    '''import { train } from "../lib/mod.ts";
const result = await train(settings);
result;''',
    "## Curves on the test set",
    '''import { prFigure, rocFigure, takeValues } from "../lib/mod.ts";
const yTest = takeValues(result.data.labels, result.testIndices);
rocFigure(yTest, result.testProbabilities, result.test.roc_auc);''',
    '''prFigure(yTest, result.testProbabilities, result.test.pr_auc);''',
    '''import { confusionView } from "../lib/mod.ts";
confusionView(result.test.confusion, 0.5);''',
    "## What the model uses, and how it learned",
    '''import { boostingFigure, importanceFigure } from "../lib/mod.ts";
importanceFigure(result.importance);''',
    '''boostingFigure(result.history);''',
    "## Why it scores as it does: SHAP values\n\nExact contributions to the margin (TreeSHAP for trees, linear terms for logistic regression): the mean |SHAP| per feature on the test set, and one prediction from the bias to its margin.",
    '''import { explain } from "../lib/mod.ts";
const xTest = result.data.features.frame.take(result.testIndices);
const shap = explain(result.model, xTest);
shap;''',
    '''import { shapImportanceFigure, waterfallFigure } from "../lib/mod.ts";
shapImportanceFigure(shap.importance());''',
    '''const riskiest = result.testProbabilities.indexOf(Math.max(...result.testProbabilities));
waterfallFigure(shap.values, shap.featureNames, { row: riskiest, title: "The riskiest test row" });''',
    "## Choosing the threshold",
    '''import { thresholdFigure } from "../lib/mod.ts";
thresholdFigure(yTest, result.testProbabilities, result.chosenThreshold);''',
    "## The fraud team's view: a transaction log\n\nThe embedded source simulating the handbook's transaction log (`labels: \"scenarios\"`: compromised terminals and customers, frauds confirmed days later), split as the handbook validates (30 training days, the 7-day label delay, 7 test days), judged at an alert budget of 10 cards a day (the simulated bank is small: a few hundred customers): card precision@10 per test day.",
    '''import { cardPrecisionFigure } from "../lib/mod.ts";
const onLog = await train(config({
  data: {
    labels: "scenarios",
    maxSamples: Math.max(4 * SAMPLES, 40000),
    split: "time",
    trainDays: 30,
    testDays: 7,
    cvFolds: 0,
  },
  evaluation: { alertBudget: 10 },
  mlflow: { trackingUri: TRACKING },
  seed: SEED,
}));
cardPrecisionFigure(onLog.fraud!);''',
])

drift = notebook("# Drift\n\nA training run as the reference, then a current sample with and without a known shift — the `driftFromRun` that `deno task drift` calls.", [
    PARAMS.replace('const TRACKING', 'const CURRENT = Number(Deno.env.get("NB_CURRENT_SAMPLES") ?? "1000");\nconst SCENARIO = (Deno.env.get("NB_SCENARIO") ?? "amount_shift") as "amount_shift";\nconst TRACKING').replace("({ SAMPLES,", "({ CURRENT, SCENARIO, SAMPLES,"),
    CONFIG,
    '''import { train } from "../lib/mod.ts";
const reference = await train(settings);
({ run: reference.runId, test_roc_auc: reference.test.roc_auc });''',
    "## No shift",
    '''import { driftFromRun } from "../lib/mod.ts";
const quiet = await driftFromRun(settings, { maxSamples: CURRENT, runId: reference.runId });
quiet;''',
    "## A known shift",
    '''const shifted = await driftFromRun(settings, {
  maxSamples: CURRENT,
  runId: reference.runId,
  scenario: SCENARIO,
});
shifted;''',
    '''import { distributionFigure } from "../lib/mod.ts";
const measured = shifted.report.data.features.filter((f) => f.measurable);
const worst = [...measured].sort((a, b) => b.psi! - a.psi!)[0]!;
distributionFigure(
  `${worst.name}: PSI ${worst.psi!.toFixed(3)}, ${worst.test} p ${worst.pValue?.toExponential(2)}`,
  worst.distribution!,
);''',
    "## Prediction drift",
    '''distributionFigure("model scores", shifted.report.prediction!.distribution);''',
])

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="notebooks")
    out = p.parse_args().out
    os.makedirs(out, exist_ok=True)
    for name, nb in [("01_features", features), ("02_training", training), ("03_drift", drift)]:
        nb = stable_ids(name, nb)
        nbformat.validate(nb)
        nbformat.write(nb, os.path.join(out, f"{name}.ipynb"))
    print(f"wrote {out}/01_features.ipynb, 02_training.ipynb, 03_drift.ipynb")


if __name__ == "__main__":
    main()
