import assert from "node:assert/strict";
import { join } from "node:path";
import { fileLayer, resolveConfig } from "../lib/config/load.ts";
import { USE_CASES } from "../lib/config/use_cases.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { LogisticRegressionModel } from "../lib/models/logistic_regression.ts";
import { runIngest } from "../lib/pipeline/ingest.ts";
import { train } from "../lib/pipeline/train.ts";
import { RedisServer } from "./helpers/redis_server.ts";

const config = (dir: string, extra: Record<string, unknown> = {}) =>
  resolveConfig([fileLayer({
    useCase: "personalization",
    data: { maxSamples: 4000 },
    mlflow: { trackingUri: `sqlite:///${join(dir, "mlflow.db")}` },
    ...extra,
  }, "test")]);

Deno.test("--use-case personalization is defaults under the user's settings: view, rules, model, experiment, Feast join key", () => {
  const c = resolveConfig([fileLayer({ useCase: "personalization" }, "test")]);
  assert.deepEqual(c.featureViews, ["clickstream"]);
  assert.equal(c.data.labelRules, "propensity");
  assert.equal(c.data.positiveRate, 0.1);
  assert.equal(c.model.type, "logistic_regression");
  assert.equal(c.mlflow.experimentName, "personalization");
  assert.equal(c.data.redis.joinKey, "user_id");
  // The user's settings win over the use case's.
  const mine = resolveConfig([
    fileLayer({ useCase: "personalization", model: { type: "xgboost" } }, "test"),
  ]);
  assert.equal(mine.model.type, "xgboost");
  assert.equal(mine.featureViews[0], "clickstream");
  // Fraud stays the default; every use case names a known view and rule set.
  assert.equal(resolveConfig([]).featureViews[0], "transaction");
  for (const name of USE_CASES.keys()) resolveConfig([fileLayer({ useCase: name }, "test")]);
});

Deno.test("the clickstream is seeded, sane and categorical where the catalog says", () => {
  const opts = {
    view: "clickstream",
    samples: 2000,
    seed: 3,
    snapshotTime: "2024-06-03T03:00:00Z",
  };
  const a = embeddedFeatures(opts), b = embeddedFeatures(opts);
  const c = embeddedFeatures({ ...opts, seed: 4 });
  assert.deepEqual(a.frame.columns, b.frame.columns);
  assert.notDeepEqual(a.frame.columns, c.frame.columns);
  assert.equal(a.frame.rows, 2000);
  assert.equal(a.entityIds[0], "user_000000");
  const col = (n: string) => Array.from(a.frame.column(n));
  assert.ok(col("device_type").every((v) => v === 0 || v === 1 || v === 2));
  assert.ok(col("category_affinity").every((v) => Number.isInteger(v) && v >= 0 && v < 12));
  assert.ok(col("recency_score").every((v) => v >= 0 && v <= 1));
  // Users who never bought have no days_since_last_purchase and a recency score of 0.
  const never = col("days_since_last_purchase").map((v, i) => [v, col("recency_score")[i]!]);
  assert.ok(never.some(([d]) => Number.isNaN(d!)));
  assert.ok(never.every(([d, r]) => !Number.isNaN(d!) || r === 0));
  // Habits show: cart adds go with purchases.
  const carts = col("cart_adds_24h"), bought = col("purchases_30d");
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(
    mean(bought.filter((_, i) => carts[i]! > 0)) > mean(bought.filter((_, i) => carts[i] === 0)),
  );
});

Deno.test("personalization trains end to end on the embedded stream: logistic regression with one-hot categories, a coefficient table, ONNX", async () => {
  const dir = await Deno.makeTempDir();
  const result = await train(config(dir));
  assert.equal(result.config.model.type, "logistic_regression");
  assert.equal(result.data.labeling.from, "propensity");
  assert.equal(result.data.labeling.achievedRate, 0.1);
  assert.ok(result.test.roc_auc > 0.85, `test AUC ${result.test.roc_auc}`);
  assert.ok(result.model instanceof LogisticRegressionModel);
  const terms = result.model.terms;
  assert.ok(
    terms.includes("device_type=1") && terms.includes("category_affinity=11"),
    terms.join(),
  );
  const csv = await Deno.readTextFile(join(result.artifactUri, "coefficients.csv"));
  assert.match(csv, /^term,coef,std_err,z,p_value,ci_low,ci_high,odds_ratio/);
  assert.match(csv, /^device_type=2,/m);
  assert.ok((await Deno.stat(join(result.artifactUri, "model/model.onnx"))).isFile);
  await Deno.remove(dir, { recursive: true });
});

for (const layout of ["hash", "feast"] as const) {
  Deno.test(`personalization trains from Redis (${layout} layout): ingest writes the clickstream view, training reads it`, async () => {
    const server = await RedisServer.start();
    const dir = await Deno.makeTempDir();
    try {
      const c = config(dir, {
        data: {
          source: "redis",
          maxSamples: 3000,
          redis: { host: "127.0.0.1", port: server.port, layout },
        },
      });
      const written = await runIngest(c, { follow: false, rate: 1000, scenario: "none" });
      assert.equal(written.written, 3000);
      const result = await train(c);
      assert.equal(result.rows.total, 3000);
      assert.equal(
        result.data.features.entityIds.filter((id) => id.startsWith("user_")).length,
        3000,
      );
      assert.ok(result.test.roc_auc > 0.85, `test AUC ${result.test.roc_auc}`);
      // The rows read are the rows the embedded stream made, value for value.
      const want = embeddedFeatures({
        view: "clickstream",
        samples: 3000,
        seed: c.seed,
        snapshotTime: c.data.snapshotTime,
      });
      const at = new Map(want.entityIds.map((id, i) => [id, i]));
      const got = result.data.features;
      for (const name of want.frame.names) {
        for (let r = 0; r < got.frame.rows; r += 97) {
          const a = want.frame.column(name)[at.get(got.entityIds[r]!)!]!;
          const b = got.frame.column(name)[r]!;
          assert.ok(a === b || (Number.isNaN(a) && Number.isNaN(b)), `${name}: ${a} vs ${b}`);
        }
      }
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
