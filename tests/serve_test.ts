/**
 * `deno task serve` with a real redis-server: scores by features (an empty cell sent as `null`)
 * and by entity ids equal `deno task predict` on the same rows; bad requests get their 4xx lines;
 * Redis stopped → 503 and recovery; the alias moved under a client loop → the new version serves
 * with no failed request; the prediction log lands in a Redis stream; SIGTERM stops it cleanly.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { RedisServer } from "./helpers/redis_server.ts";
import { runTask, startTask, trainChampion } from "./helpers/tasks.ts";

function csvRows(text: string): { header: string[]; rows: string[][] } {
  const [h, ...rest] = text.trim().split("\n").map((l) => l.split(","));
  return { header: h!, rows: rest };
}

Deno.test("serve: features and entity ids score as predict does; 400/404/503 say why; the alias swaps with no failed request", async (t) => {
  const dir = await Deno.makeTempDir();
  const redis = await RedisServer.start();
  const env = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(redis.port), DATA_SOURCE: "redis" };
  const run = (task: string, args: string[]) => runTask(task, args, { env, cwd: dir });
  assert.equal((await run("ingest", ["--samples", "2000"])).code, 0);
  const trained = await trainChampion({ cwd: dir, env });
  const runDir = /Artifacts: (\S+)/.exec(trained.stdout)![1]!;
  const server = startTask("serve", [
    "--model",
    "models:/fraud_detection@champion",
    "--port",
    "0",
    "--follow-seconds",
    "0.2",
  ], { env, cwd: dir });
  try {
    const url = /url=(http:\/\/\S+)/.exec(await server.waitFor(/INFO {2}serving url=/))![1]!;
    // Ready at once: the feature store is connected before the server listens.
    const first = await fetch(`${url}/v1/score`, {
      method: "POST",
      body: '{"entity_id": "card_000001"}',
    });
    assert.equal(first.status, 200, await first.text());
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const post = (body: unknown, q = "") =>
      fetch(`${url}/v1/score${q}`, { method: "POST", body: JSON.stringify(body) });
    // The reference: deno task predict on the run's reference sample (rows read from Redis).
    const input = join(runDir, "reference_sample.csv");
    const predicted = await run("predict", [
      "--model",
      "models:/fraud_detection@champion",
      "--input",
      input,
      "--output",
      join(dir, "p.csv"),
    ]);
    assert.equal(predicted.code, 0, predicted.stderr);
    const p = csvRows(await Deno.readTextFile(join(dir, "p.csv")));
    const ref = p.rows.slice(0, 50).map((r) => ({
      id: r[0]!,
      p: Number(r[p.header.indexOf("probability")]),
    }));
    const features = p.header.filter((h) =>
      !["entity_id", "feature_timestamp", "label", "prediction", "probability", "label_predicted"]
        .includes(h)
    );
    await t.step(
      "by features and by entity ids: the probabilities of deno task predict (≤ 1e-6)",
      async () => {
        // An empty cell is posted as null: a missing value, scored as predict scores it.
        const rows = p.rows.slice(0, 50).map((r) =>
          Object.fromEntries(features.map((f) => {
            const v = r[p.header.indexOf(f)]!;
            return [f, v === "" ? null : Number(v)];
          }))
        );
        const byFeatures = await (await post({ rows })).json();
        rows.forEach((_, i) =>
          assert.ok(Math.abs(byFeatures.predictions[i].probability - ref[i]!.p) < 1e-6, `row ${i}`)
        );
        const byIds = await (await post({ entity_ids: ref.map((r) => r.id) }, "?explain=3")).json();
        assert.equal(byIds.model.version, "1");
        byIds.predictions.forEach(
          (o: { entity_id: string; probability: number; reasons: unknown[] }, i: number) => {
            assert.equal(o.entity_id, ref[i]!.id);
            assert.ok(Math.abs(o.probability - ref[i]!.p) < 1e-6, `${o.entity_id}`);
            assert.ok(o.reasons.length <= 3);
          },
        );
      },
    );
    await t.step(
      "bad requests: 400 with one line per problem, 404 naming the unknown entity",
      async () => {
        const bad = await post({ txn_count_5m: "many" });
        assert.equal(bad.status, 400);
        const lines = (await bad.json()).problems as string[];
        assert.equal(lines[0], 'rows[0].txn_count_5m: expected a number, got "many"');
        assert.equal(lines.length, features.length, "one line per feature");
        assert.ok(lines.slice(1).every((l) => /^rows\[0\]\.\w+: absent \(send null/.test(l)));
        const notJson = await fetch(`${url}/v1/score`, { method: "POST", body: "{" });
        assert.deepEqual((await notJson.json()).problems, ["body: not JSON"]);
        const unknown = await post({ entity_ids: [ref[0]!.id, "card_999999"] });
        assert.equal(unknown.status, 404);
        assert.deepEqual((await unknown.json()).unknown, ["card_999999"]);
      },
    );
    await t.step("Redis stopped: 503 saying so; back: scores again", async () => {
      const down = redis.restart(1500); // saved, stopped, started again after 1.5 s
      await new Promise((r) => setTimeout(r, 400));
      const r503 = await post({ entity_ids: [ref[0]!.id] });
      assert.equal(r503.status, 503);
      assert.match(
        (await r503.json()).error,
        /^the feature store Redis 127\.0\.0\.1:\d+\/0 is unavailable: not connected \(reconnecting\)$/,
      );
      assert.equal((await fetch(`${url}/readyz`)).status, 503, "not ready while the store is down");
      await down;
      let ok = 0;
      for (let i = 0; i < 50 && ok === 0; i++) {
        ok = (await post({ entity_ids: [ref[0]!.id] })).status === 200 ? 1 : 0;
        if (!ok) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(ok, 1, "recovered");
    });
    await t.step(
      "the alias moves under a client loop: no failed request, the new version serves",
      async () => {
        let stop = false, failures = 0;
        const versions = new Set<string>();
        const loop = (async () => {
          while (!stop) {
            const r = await post({ entity_ids: [ref[0]!.id] });
            if (r.status !== 200) failures++;
            else versions.add((await r.json()).model.version);
          }
        })();
        await trainChampion({ cwd: dir, env, extra: ["--seed", "7"] });
        await server.waitFor(/model swapped name=fraud_detection version=2/);
        await new Promise((r) => setTimeout(r, 300));
        stop = true;
        await loop;
        assert.equal(failures, 0);
        assert.deepEqual([...versions].sort(), ["1", "2"]);
      },
    );
    await t.step("the prediction log is a Redis stream of what was scored", async () => {
      const n = Number(await redis.cli(["XLEN", "predictions:fraud_detection"]));
      assert.ok(n > 0);
      const last = await redis.cli([
        "XREVRANGE",
        "predictions:fraud_detection",
        "+",
        "-",
        "COUNT",
        "1",
      ]);
      assert.match(last, /probability/);
      assert.match(last, /txn_count_5m/);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /serve_requests_total\{route="\/v1\/score",code="503"\} [1-9]/);
      assert.match(metrics, /serve_model_version\{name="fraud_detection",version="2"\} 1/);
      assert.match(metrics, /serve_prediction_log_rows_total\{result="written"\} [1-9]/);
    });
    await t.step(
      "the prediction log feeds drift: quiet on the stream as trained, drift (and performance) on an injected shift",
      async () => {
        const ids = Array.from({ length: 2000 }, (_, i) => `card_${String(i).padStart(6, "0")}`);
        const scoreAll = async () => {
          await redis.cli(["DEL", "predictions:fraud_detection"]);
          for (let i = 0; i < ids.length; i += 500) {
            const r = await post({ entity_ids: ids.slice(i, i + 500) });
            assert.equal(r.status, 200);
            await r.body?.cancel();
          }
          for (
            let k = 0;
            k < 50 && Number(await redis.cli(["XLEN", "predictions:fraud_detection"])) < 2000;
            k++
          ) {
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        const drift = () =>
          run("drift", ["--current", "predictions", "--model", "models:/fraud_detection@champion"]);
        await scoreAll();
        const quiet = await drift();
        assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
        assert.equal(
          (await run("ingest", ["--samples", "2000", "--scenario", "new_fraud_pattern"])).code,
          0,
        );
        await scoreAll();
        const fb = await fetch(`${url}/v1/feedback`, {
          method: "POST",
          body: JSON.stringify(
            ids.slice(1000, 1400).map((id, i) => ({ entity_id: id, label: i % 20 === 0 ? 1 : 0 })),
          ),
        });
        assert.deepEqual(await fb.json(), { stored: 400 });
        const shifted = await drift();
        assert.equal(shifted.code, 3, shifted.stdout + shifted.stderr);
        assert.match(shifted.stdout, /txn_count_5m/);
        assert.match(shifted.stdout, /^Performance: roc_auc [\d.]+ → [\d.]+/m, "feedback joined");
      },
    );
  } finally {
    server.kill("SIGTERM");
    const end = await server.done;
    assert.equal(end.code, 0, end.stderr);
    await redis.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
