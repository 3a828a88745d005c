/**
 * Rollouts with a real redis-server and real servers: a shadow challenger never changes an answer
 * and its scores land in the prediction log beside the champion's (paired by request row); a
 * canary answers a stable share of entities — within a binomial 99.9 % interval over 20,000 —
 * one entity always meeting the same version, each answer naming it.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { featuresOf } from "../lib/features/catalog.ts";
import { connectRedis } from "../lib/features/redis/client.ts";
import { stablePlace } from "../lib/serve/rollout.ts";
import { RedisServer } from "./helpers/redis_server.ts";
import { runTask, startTask, trainChampion } from "./helpers/tasks.ts";

interface Prediction {
  entity_id?: string;
  probability: number;
  label: number;
  model_version?: string;
}

Deno.test("shadow and canary: the shadow never changes an answer and is logged beside it; the canary's share and stickiness", async (t) => {
  const dir = await Deno.makeTempDir();
  const redis = await RedisServer.start();
  const env = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(redis.port), DATA_SOURCE: "redis" };
  const servers: ReturnType<typeof startTask>[] = [];
  const serve = async (args: string[]) => {
    const s = startTask("serve", ["--port", "0", "--follow-seconds", "0", ...args], {
      env,
      cwd: dir,
    });
    servers.push(s);
    return /url=(http:\/\/\S+)/.exec(await s.waitFor(/INFO {2}serving url=/))![1]!;
  };
  try {
    assert.equal((await runTask("ingest", ["--samples", "2000"], { env, cwd: dir })).code, 0);
    const first = await trainChampion({ cwd: dir, env });
    const runDir = /Artifacts: (\S+)/.exec(first.stdout)![1]!;
    // The challenger: another model (shallower, fewer rounds) at @challenger.
    await trainChampion({
      cwd: dir,
      env,
      alias: "challenger",
      extra: ["--param", "max_depth=2", "--param", "n_estimators=20"],
    });
    const ids = Array.from({ length: 200 }, (_, i) => `card_${String(i).padStart(6, "0")}`);
    const post = async (url: string, body: unknown) => {
      const res = await fetch(`${url}/v1/score`, { method: "POST", body: JSON.stringify(body) });
      assert.equal(res.status, 200);
      return await res.json();
    };

    await t.step(
      "a shadow never changes an answer; its scores are logged beside the champion's",
      async () => {
        const plain = await serve([
          "--model",
          "models:/fraud_detection@champion",
          "--log-sample",
          "0",
        ]);
        const shadowed = await serve([
          "--model",
          "models:/fraud_detection@champion",
          "--shadow",
          "models:/fraud_detection@challenger",
        ]);
        const a = await post(plain, { entity_ids: ids }),
          b = await post(shadowed, { entity_ids: ids });
        assert.deepEqual(b, a, "the same answer, model and threshold");
        assert.equal(b.model.version, "1");
        // The log: 200 champion rows and 200 shadow rows of version 2, paired by request row.
        const conn = connectRedis({
          host: "127.0.0.1",
          port: redis.port,
          db: 0,
          tls: false,
          clusterNodes: [],
          connectTimeoutMs: 1000,
          retries: 3,
        });
        try {
          let entries: [string, string[]][] = [];
          for (let i = 0; i < 100 && entries.length < 400; i++) {
            // deno-lint-ignore no-explicit-any
            entries = await (conn.client as any).xrange("predictions:fraud_detection", "-", "+");
            await new Promise((r) => setTimeout(r, 50));
          }
          const rows = entries.map(([, kv]) =>
            Object.fromEntries(kv.flatMap((v, i) => (i % 2 ? [] : [[v, kv[i + 1]!]])))
          );
          const champion = rows.filter((r) => r.role === "champion");
          const shadow = rows.filter((r) => r.role === "shadow");
          assert.equal(champion.length, 200);
          assert.equal(shadow.length, 200);
          assert.ok(
            shadow.every((r) => r.version === "2") && champion.every((r) => r.version === "1"),
          );
          const byRequest = new Map(champion.map((r) => [r.request, r]));
          for (const s of shadow) {
            const c = byRequest.get(s.request)!;
            assert.equal(s.entity_id, c.entity_id);
            assert.equal(s.features, c.features, "the same row");
          }
          assert.ok(shadow.some((s) => s.probability !== byRequest.get(s.request)!.probability));
        } finally {
          await conn.close();
        }
        const metrics = await (await fetch(`${shadowed}/metrics`)).text();
        assert.match(metrics, /^serve_shadow_rows_total 200$/m);
      },
    );

    await t.step(
      "a canary answers a stable 20 % of entities, each answer naming its version",
      async () => {
        const url = await serve([
          "--model",
          "models:/fraud_detection@champion",
          "--canary",
          "0.2",
          "--log-sample",
          "0",
        ]);
        // 20,000 entities (rows by features, each with its own id) in requests of 500 rows.
        const first = (await post(url, { entity_ids: ids.slice(0, 1) }))
          .predictions[0] as Prediction;
        assert.ok(first.model_version === "1" || first.model_version === "2");
        const features = Object.fromEntries(featuresOf(["transaction"]).map((f) => [f.name, 0]));
        const version = new Map<string, string>();
        for (let r = 0; r < 40; r++) {
          const rows = Array.from(
            { length: 500 },
            (_, i) => ({ ...features, entity_id: `e${r * 500 + i}` }),
          );
          for (const p of (await post(url, { rows })).predictions as Prediction[]) {
            version.set(p.entity_id!, p.model_version!);
          }
        }
        const canary = [...version.values()].filter((v) => v === "2").length;
        const n = 20_000, sd = Math.sqrt(n * 0.2 * 0.8);
        assert.ok(Math.abs(canary - n * 0.2) <= 3.29 * sd, `${canary} of ${n}`);
        // The same entities again, in other requests and orders: the same version each.
        const again = Array.from({ length: 500 }, (_, i) => `e${(i * 37) % n}`);
        const answered =
          (await post(url, { rows: again.map((id) => ({ ...features, entity_id: id })) }))
            .predictions as Prediction[];
        answered.forEach((p) => assert.equal(p.model_version, version.get(p.entity_id!)));
        answered.forEach((p) =>
          assert.equal(p.model_version === "2", stablePlace(p.entity_id!) < 0.2)
        );
        // Rows without an entity id stay with the champion.
        const anonymous = (await post(url, { rows: Array.from({ length: 50 }, () => features) }))
          .predictions as Prediction[];
        assert.ok(anonymous.every((p) => p.model_version === "1"));
      },
    );

    await t.step("a rollout that cannot work is refused in one line (exit 2)", async () => {
      const refused = async (args: string[], line: RegExp) => {
        const r = await runTask("serve", ["--port", "0", ...args], {
          env,
          cwd: dir,
          timeoutMs: 60_000,
        });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, line);
      };
      const champion = "models:/fraud_detection@champion";
      await refused(
        [
          "--model",
          champion,
          "--shadow",
          "models:/fraud_detection@challenger",
          "--log-sample",
          "0",
        ],
        /--shadow: its scores go only to the prediction log/,
      );
      const file = join(runDir, "model", "model.json");
      await refused(
        ["--model", file, "--canary", "0.1"],
        /--challenger: a canary needs a challenger/,
      );
    });
  } finally {
    for (const s of servers) {
      s.kill("SIGTERM");
      await s.done;
    }
    await redis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("live comparison: compare reads the shadow's log and matured feedback; promote --from-live promotes a better challenger", async () => {
  const dir = await Deno.makeTempDir();
  const redis = await RedisServer.start();
  const env = { REDIS_HOST: "127.0.0.1", REDIS_PORT: String(redis.port), DATA_SOURCE: "redis" };
  const run = (task: string, args: string[]) => runTask(task, args, { env, cwd: dir });
  let server: ReturnType<typeof startTask> | undefined;
  try {
    assert.equal((await run("ingest", ["--samples", "3000"])).code, 0);
    // A weak champion (one split per tree) and a better challenger, on the same rows.
    await trainChampion({
      cwd: dir,
      env,
      rows: 3000,
      extra: ["--param", "max_depth=1", "--param", "n_estimators=2"],
    });
    const trained = await trainChampion({ cwd: dir, env, rows: 3000, alias: "challenger" });
    const runDir = /Artifacts: (\S+)/.exec(trained.stdout)![1]!;
    const sample = (await Deno.readTextFile(join(runDir, "reference_sample.csv"))).trim().split(
      "\n",
    );
    const header = sample[0]!.split(",");
    const labeled = sample.slice(1).map((l) => l.split(",")).map((r) => ({
      entity_id: r[header.indexOf("entity_id")]!,
      label: Number(r[header.indexOf("label")]),
    }));
    server = startTask("serve", [
      ...["--model", "models:/fraud_detection@champion", "--port", "0", "--follow-seconds", "0"],
      ...["--shadow", "models:/fraud_detection@challenger"],
    ], { env, cwd: dir });
    const url = /url=(http:\/\/\S+)/.exec(await server.waitFor(/INFO {2}serving url=/))![1]!;
    for (let i = 0; i < labeled.length; i += 200) {
      const ids = labeled.slice(i, i + 200).map((r) => r.entity_id);
      const res = await fetch(`${url}/v1/score`, {
        method: "POST",
        body: JSON.stringify({ entity_ids: ids }),
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const fed = await fetch(`${url}/v1/feedback`, {
      method: "POST",
      body: JSON.stringify(labeled),
    });
    assert.equal(fed.status, 200, await fed.text());
    // Every answer and its shadow row in the log (the shadow writes 5 ms after its batch).
    const logged = `serve_prediction_log_rows_total{result="written"} ${2 * labeled.length}`;
    for (let i = 0; i < 200; i++) {
      if ((await (await fetch(`${url}/metrics`)).text()).includes(logged)) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    // Labels a few seconds old do not count with a 30-day maturity: the champion stays.
    const young = await run("promote", [
      "--name",
      "fraud_detection",
      "--from-live",
      "--label-maturity-days",
      "30",
    ]);
    assert.equal(young.code, 11, young.stderr + young.stdout);
    assert.match(
      young.stdout,
      /not measurable: 0 \(champion\) and 0 \(challenger\) rows with matured labels/,
    );

    const compared = await run("compare", ["--name", "fraud_detection"]);
    assert.equal(compared.code, 0, compared.stderr);
    const realized = (role: string) =>
      Number(
        new RegExp(`^${role}\\s+\\d+\\s+(\\d+)\\s+(\\d+)\\s+([\\d.]+)`, "m").exec(
          compared.stdout,
        )![3],
      );
    assert.match(compared.stdout, /realized roc_auc on the rows both scored/);
    assert.ok(realized("challenger") > realized("champion") + 0.01, compared.stdout);
    assert.match(
      compared.stdout,
      new RegExp(`Decisions agree on [\\d.]+ of ${labeled.length} rows`),
    );

    const promoted = await run("promote", ["--name", "fraud_detection", "--from-live"]);
    assert.equal(promoted.code, 0, promoted.stderr + promoted.stdout);
    assert.match(promoted.stdout, /live roc_auc on \d+ rows with matured labels \(paired\)/);
    assert.match(promoted.stdout, /fraud_detection@champion = version 2 \(moved/);
  } finally {
    server?.kill("SIGTERM");
    await server?.done;
    await redis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
