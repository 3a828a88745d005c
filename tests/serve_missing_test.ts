/**
 * Missing values over `POST /v1/score`, with `deno task serve` on loopback: a `null` feature is
 * scored as `deno task predict` scores an empty CSV cell (≤ 1e-6) — a tree model by its learned
 * default directions, logistic regression with its training fill values; an absent key is a 400
 * unless the request says `?absent=missing`, and then scores as `null` does; a wrong type stays a
 * 400; a row with too few features present is a 422, as an entity read by id is.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCsv } from "../lib/data/csv_parse.ts";
import { Frame } from "../lib/data/frame.ts";
import { createEstimator } from "../lib/models/factory.ts";
import { Rng } from "../lib/util/rng.ts";
import { maxAbsDiff, nonLinear } from "./helpers/datasets.ts";
import { type RunningTask, runTask, startTask } from "./helpers/tasks.ts";

const WIDTH = 6, ROWS = 300;
const NAMES = Array.from({ length: WIDTH }, (_, j) => `f${j}`);

type Row = Record<string, number | null>;

/**
 * Rows to score: standard-normal values, about a fifth of them `null`, at most half a row's (so
 * every row meets the default present share of 0.5); the first row has none, the second all but
 * three.
 */
function rowsWithNulls(seed: number): Row[] {
  const rng = new Rng(seed);
  return Array.from({ length: ROWS }, (_, i) => {
    let nulls = 0;
    return Object.fromEntries(NAMES.map((f, j) => {
      const drop = i === 1 ? j < WIDTH / 2 : i > 0 && rng.next() < 0.2 && nulls < WIDTH / 2;
      if (drop) nulls++;
      return [f, drop ? null : rng.normal()];
    }));
  });
}

/** The rows as a CSV with a header, a `null` as an empty cell. */
function csvOf(rows: Row[]): string {
  const lines = rows.map((r) => NAMES.map((f) => (r[f] === null ? "" : String(r[f]))).join(","));
  return [NAMES.join(","), ...lines].join("\n") + "\n";
}

/** Trains a `type` model on a set with a tenth of its values missing; returns its file. */
async function saveModel(dir: string, type: string): Promise<string> {
  const d = nonLinear(3000, WIDTH, 1, 0.1);
  const params = type === "xgboost" ? { num_boost_round: 30, max_depth: 4, nthread: 1 } : {};
  const model = await createEstimator({ type, params, seed: 1 }).fit(
    new Frame(NAMES, d.frame.columns),
    d.labels,
  );
  const path = join(dir, `${type}.json`);
  await Deno.writeTextFile(path, model.serialize());
  return path;
}

/** `deno task predict` on `csv`: the probabilities, in row order. */
async function predicted(model: string, csv: string, dir: string): Promise<number[]> {
  const output = join(dir, `${crypto.randomUUID()}.csv`);
  const r = await runTask("predict", ["--model", model, "--input", csv, "--output", output], {
    cwd: dir,
  });
  assert.equal(r.code, 0, r.stderr);
  const out = parseCsv(await Deno.readTextFile(output));
  return Array.from(out.columns[out.names.indexOf("probability")]!, Number);
}

/** A running `deno task serve` and a way to post to `/v1/score`. */
interface Server {
  readonly task: RunningTask;
  score(body: unknown, query?: string): Promise<{ status: number; json: Answer }>;
}

interface Answer {
  readonly predictions: { probability: number; missing?: number; reasons?: unknown[] }[];
  readonly error?: string;
  readonly problems?: string[];
}

async function serve(model: string, dir: string): Promise<Server> {
  const task = startTask("serve", ["--model", model, "--port", "0"], { cwd: dir });
  const url = /url=(http:\/\/\S+)/.exec(await task.waitFor(/INFO {2}serving url=/))![1]!;
  return {
    task,
    async score(body, query = "") {
      const r = await fetch(`${url}/v1/score${query}`, {
        method: "POST",
        body: JSON.stringify(body),
      });
      return { status: r.status, json: await r.json() };
    },
  };
}

/** The rows with their `null` keys left out. */
const withoutNulls = (rows: Row[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));

const probabilities = (a: Answer) => a.predictions.map((p) => p.probability);

Deno.test("serve: a null feature scores as predict scores an empty cell (xgboost, logistic regression); an absent one only with ?absent=missing; a wrong type is a 400", async (t) => {
  const dir = await Deno.makeTempDir();
  const rows = rowsWithNulls(7);
  const csv = join(dir, "rows.csv");
  await Deno.writeTextFile(csv, csvOf(rows));
  const servers: Server[] = [];
  try {
    for (const type of ["xgboost", "logistic_regression"]) {
      const model = await saveModel(dir, type);
      const server = await serve(model, dir);
      servers.push(server);
      await t.step(`${type}: nulls score as predict's empty cells (≤ 1e-6)`, async () => {
        const expected = await predicted(model, csv, dir);
        const got = await server.score({ rows });
        assert.equal(got.status, 200, JSON.stringify(got.json));
        const diff = maxAbsDiff(probabilities(got.json), expected);
        console.log(`${type}: max |serve − predict| over ${ROWS} rows with nulls: ${diff}`);
        assert.ok(diff <= 1e-6, `${type}: max difference ${diff}`);
        const nulls = rows.map((r) => NAMES.filter((f) => r[f] === null).length);
        assert.ok(nulls.reduce((a, b) => a + b) > ROWS, "about a fifth of the values are null");
        assert.deepEqual(got.json.predictions.map((p) => p.missing ?? 0), nulls);
        // Not a vacuous match: the nulls move the answers (filled with 3, far from any fill value).
        const filled = rows.map((r) => Object.fromEntries(NAMES.map((f) => [f, r[f] ?? 3])));
        const asThree = probabilities((await server.score({ rows: filled })).json);
        assert.ok(maxAbsDiff(asThree, expected) > 1e-3, "the nulls change the answers");
        const explained = await server.score({ rows: rows.slice(0, 20) }, "?explain=2");
        assert.equal(explained.status, 200, JSON.stringify(explained.json));
        assert.ok(explained.json.predictions.every((p) => p.reasons!.length <= 2));
      });
      await t.step(`${type}: absent keys score as nulls only with ?absent=missing`, async () => {
        const nulls = await server.score({ rows });
        const absent = await server.score({ rows: withoutNulls(rows) }, "?absent=missing");
        assert.equal(absent.status, 200, JSON.stringify(absent.json));
        assert.deepEqual(absent.json, nulls.json);
        const refused = await server.score(withoutNulls(rows));
        assert.equal(refused.status, 400);
        assert.equal(
          refused.json.problems![0],
          "rows[1].f0: absent (send null for a missing value, or use ?absent=missing)",
        );
        assert.equal((await server.score({ rows }, "?absent=error")).status, 200);
      });
    }
    await t.step("a wrong type, or a wrong ?absent=, is still a 400", async () => {
      const server = servers[0]!;
      const row = { f0: 1, f1: 2, f2: 3, f3: 4, f4: 5, f5: 6 };
      const bad = await server.score(
        [{ ...row, f0: "1.5" }, { ...row, f2: { v: 1 } }, { ...row, f5: [1] }],
        "?absent=missing",
      );
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.json.problems, [
        'rows[0].f0: expected a number, got "1.5"',
        "rows[1].f2: expected a number, got an object",
        "rows[2].f5: expected a number, got an array",
      ]);
      const query = await server.score(row, "?absent=yes");
      assert.equal(query.status, 400);
      assert.deepEqual(query.json.problems, ['absent: expected "missing" or "error", got "yes"']);
      // Booleans count as 1/0, as they did before (and as predict reads true/false).
      const asOne = await server.score([{ ...row, f0: true }, row]);
      assert.deepEqual(asOne.json.predictions[0], asOne.json.predictions[1]);
    });
    await t.step(
      "a row under the present share is a 422, nulls and absent keys alike",
      async () => {
        const server = servers[0]!;
        const sparse = { f0: 1, f1: 2, f2: null, f3: null, f4: null, f5: null };
        const refused = await server.score([rows[0], sparse]);
        assert.equal(refused.status, 422);
        assert.equal(refused.json.error, "too few features present");
        assert.deepEqual(refused.json.problems, ["rows[1]: 2 of 6 features present (0.33 < 0.5)"]);
        const absent = await server.score({ f0: 1, f1: 2 }, "?absent=missing");
        assert.equal(absent.status, 422);
        assert.deepEqual(absent.json.problems, ["rows[0]: 2 of 6 features present (0.33 < 0.5)"]);
      },
    );
  } finally {
    for (const s of servers) {
      s.task.kill("SIGTERM");
      const end = await s.task.done;
      assert.equal(end.code, 0, end.stderr);
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
