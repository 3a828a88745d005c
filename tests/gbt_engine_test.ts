import assert from "node:assert/strict";
import { ConfigError, DataError } from "../lib/errors.ts";
import { rocAuc } from "../lib/evaluate/curves.ts";
import { computeCuts } from "../lib/models/gbt/binning.ts";
import { EarlyStopping } from "../lib/models/gbt/early_stopping.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { calcGain, calcWeight, type GainParams, RT_EPS } from "../lib/models/gbt/split.ts";
import { leafCount } from "../lib/models/gbt/tree.ts";
import { gradientQuantum } from "../lib/models/gbt/quantize.ts";
import { Workspace } from "../lib/models/gbt/kernel/workspace.ts";
import { ThreadPool } from "../lib/models/gbt/thread_pool.ts";
import { Rng } from "../lib/util/rng.ts";
import { nonLinear } from "./helpers/datasets.ts";
import { Frame } from "../lib/data/frame.ts";
import { assertClose } from "./helpers/assert_close.ts";

const D = nonLinear(3000, 6, 1, 0.1);

Deno.test("the same seed gives identical model bytes; another seed another model (with row and column sampling)", async () => {
  const params = {
    num_boost_round: 10,
    subsample: 0.7,
    colsample_bytree: 0.8,
    colsample_bynode: 0.7,
    nthread: 1,
  };
  const a = await new GradientBoosting({ ...params, seed: 4 }).fit(D.frame, D.labels);
  const b = await new GradientBoosting({ ...params, seed: 4 }).fit(D.frame, D.labels);
  const c = await new GradientBoosting({ ...params, seed: 5 }).fit(D.frame, D.labels);
  assert.equal(a.serialize(), b.serialize());
  assert.notEqual(a.serialize(), c.serialize());
});

Deno.test("one, two and three threads give identical model bytes, depth-wise and leaf-wise, with sampling", async () => {
  // Threads sum partial histograms of their own rows: exact, as the gradients are quantized.
  const big = nonLinear(50_000, 30, 2, 0.1); // 1.5M cells: split by split, two threads too
  const sampled = { subsample: 0.8, colsample_bynode: 0.7, seed: 3 };
  for (
    const [params, type] of [
      [{ num_boost_round: 5, ...sampled }, "xgboost"],
      [{ num_boost_round: 5, ...sampled }, "lightgbm"],
      [{ num_boost_round: 3 }, "lightgbm"],
      [{ num_boost_round: 3, objective: "reg:squarederror" }, "xgboost"],
    ] as const
  ) {
    const bytes = [];
    for (const nthread of [1, 2, 3]) {
      const m = await new GradientBoosting({ ...params, nthread }, { type }).fit(
        big.frame,
        big.labels,
      );
      bytes.push(m.serialize());
    }
    assert.equal(bytes[1], bytes[0], `${type}: 2 threads`);
    assert.equal(bytes[2], bytes[0], `${type}: 3 threads`);
  }
});

Deno.test("leaf-wise trees grown in one pool round are the trees grown split by split", async () => {
  // max_leaves 0 (bounded by depth only) grows split by split; 2^depth leaves never bind, so the
  // same trees grow in one round, where the threads take every decision in the kernel: sharing
  // the features on 720,000 cells, the rows on 1,080,000 (above the kernel's 1,000,000); below
  // 650,000 cells such a fit runs on one thread. Deep trees have children of a few rows, whose
  // pairs the kernel takes from their parent's histogram one by one (on one thread, and sharing
  // the features), with features of 256 value bins (max_bin 256) and without.
  const configs = [
    { max_depth: 4 },
    { max_depth: 5, gamma: 0.5, min_child_weight: 20, subsample: 0.8, colsample_bytree: 0.7 },
    { max_depth: 3, alpha: 0.5, max_delta_step: 0.4, objective: "reg:squarederror" },
  ];
  const deep = [3_000, 80_000].flatMap((rows) =>
    [256, 255].map((max_bin) => [rows, { max_depth: rows > 3_000 ? 10 : 8, max_bin }] as const)
  );
  for (
    const [rows, params] of [
      ...configs.flatMap((c) => [[80_000, c], [120_000, c]] as const),
      ...deep,
    ]
  ) {
    const big = nonLinear(rows, 9, 4, 0.1);
    for (const nthread of [1, 2, 3]) {
      const fit = (max_leaves: number) =>
        new GradientBoosting({ ...params, max_leaves, num_boost_round: 4, nthread, seed: 5 }, {
          type: "lightgbm",
        }).fit(big.frame, big.labels);
      const [stepwise, oneRound] = [await fit(0), await fit(2 ** params.max_depth)];
      assert.ok(stepwise.state.trees.some((t) => leafCount(t) > 4), "the trees grew");
      assert.deepEqual(
        oneRound.state.trees,
        stepwise.state.trees,
        `${rows} rows, ${nthread} threads`,
      );
    }
  }
});

Deno.test("leaf-wise trees with categorical splits grown in one pool round are the trees grown split by split", async () => {
  // Features 0, 1 and 2 become codes of 400 (a wide feature: u16 codes), 3 (one-hot splits) and
  // 200 categories (partition splits); both sharings of the threads (features on 720,000 cells,
  // then rows on 1,080,000); deep trees on 12,000 rows, whose small children take their rows'
  // pairs from their parent's histogram.
  for (const [rows, max_depth] of [[120_000, 5], [180_000, 5], [12_000, 8]] as const) {
    const big = nonLinear(rows, 6, 8, 0.1), rng = new Rng(9), counts = [400, 3, 200];
    const effects = counts.map((k) => Float64Array.from({ length: k }, () => rng.normal()));
    const codes = big.frame.columns.map((c, j) =>
      j > 2 ? c : Float64Array.from(c, (v) => (Number.isNaN(v) ? NaN : rng.int(counts[j]!)))
    );
    const labels = Uint8Array.from({ length: rows }, (_, i) => {
      const z = [0, 1, 2].reduce((a, j) => a + (effects[j]![codes[j]![i]!] ?? 0), 0);
      return rng.next() < 1 / (1 + Math.exp(-2 * z)) ? 1 : 0;
    });
    const frame = new Frame(big.frame.names, codes);
    for (const nthread of [1, 2, 3]) {
      const fit = (max_leaves: number) =>
        new GradientBoosting({
          max_depth,
          max_leaves,
          num_boost_round: 4,
          nthread,
          enable_categorical: true,
        }, { type: "lightgbm" }).fit(frame, labels, { categorical: ["f0", "f1", "f2"] });
      const [stepwise, oneRound] = [await fit(0), await fit(2 ** max_depth)];
      const cats = stepwise.state.trees.flatMap((t) => [...(t.categories?.values() ?? [])]);
      assert.ok(cats.some((c) => c.length === 1), "one-hot splits");
      assert.ok(cats.some((c) => c.some((v) => v > 254)), "wide splits");
      assert.deepEqual(
        oneRound.state.trees,
        stepwise.state.trees,
        `${rows} rows, ${nthread} threads`,
      );
    }
  }
});

Deno.test("depth-wise trees respect max_depth; leaf-wise trees respect max_leaves", async () => {
  const depthwise = await new GradientBoosting({ num_boost_round: 3, max_depth: 3, nthread: 1 })
    .fit(D.frame, D.labels);
  for (const t of depthwise.state.trees) assert.ok(t.left.length <= 15 && leafCount(t) <= 8);
  const lossguide = await new GradientBoosting({ num_boost_round: 3, nthread: 1 }, {
    type: "lightgbm",
  }).fit(
    D.frame,
    D.labels,
  );
  assert.equal(lossguide.type, "lightgbm");
  for (const t of lossguide.state.trees) assert.ok(leafCount(t) <= 31, `${leafCount(t)} leaves`);
  assert.ok(
    lossguide.state.trees.some((t) => leafCount(t) > 8),
    "leaf-wise trees grow past a depth-3 tree's leaves",
  );
});

Deno.test("random forest mode grows num_parallel_tree trees in one round, each a 1/n share", async () => {
  const rf = await new GradientBoosting({ num_parallel_tree: 10, nthread: 1 }, {
    type: "random_forest",
  }).fit(
    D.frame,
    D.labels,
  );
  assert.equal(rf.state.trees.length, 10);
  assert.equal(rf.state.numParallelTree, 10);
  const auc = rocAuc(D.labels, rf.predictProba(D.frame));
  assert.ok(auc > 0.75, `forest train AUC ${auc}`);
});

Deno.test("early stopping stops after the given rounds without improvement and keeps the best iteration", async () => {
  const valid = nonLinear(2000, 6, 9, 0.1);
  const model = await new GradientBoosting({
    num_boost_round: 300,
    eta: 0.5,
    max_depth: 6,
    early_stopping_rounds: 5,
    eval_metric: ["auc", "logloss"],
    nthread: 1,
  }).fit(D.frame, D.labels, {
    evalSets: [{ name: "valid", frame: valid.frame, labels: valid.labels }],
  });
  const history = model.history.map((h) => h.values["valid-logloss"]!);
  const best = Number(model.state.attributes.best_iteration);
  assert.ok(history.length < 300, "stopped early");
  assert.equal(history.length, best + 6, "ran 5 rounds past the best");
  assert.equal(Math.min(...history), history[best]);
  assert.equal(model.state.trees.length, best + 1, "trees after the best iteration are dropped");
  assert.ok("valid-auc" in model.history[0]!.values);
});

Deno.test("a caller's EarlyStopping keeps the rounds up to its best iteration (saveBest, as xgboost's save_best); saveBest false keeps every round", async () => {
  const valid = nonLinear(2000, 6, 9, 0.1);
  const params = { eta: 0.5, max_depth: 6, nthread: 1 };
  const fit = async (saveBest?: boolean) => {
    const stop = new EarlyStopping({
      rounds: 5,
      key: "valid-logloss",
      maximize: false,
      ...(saveBest === undefined ? {} : { saveBest }),
    });
    const model = await new GradientBoosting({ ...params, num_boost_round: 300 }).fit(
      D.frame,
      D.labels,
      {
        evalSets: [{ name: "valid", frame: valid.frame, labels: valid.labels }],
        callbacks: [stop],
      },
    );
    return { model, best: stop.bestIteration };
  };
  const { model, best } = await fit();
  assert.ok(
    best > 0 && model.history.length === best + 6,
    `best ${best}, ran ${model.history.length}`,
  );
  assert.equal(
    model.state.trees.length,
    best + 1,
    "the rounds after the best iteration are dropped",
  );
  assert.equal(model.state.attributes.best_iteration, String(best));
  const exact = await new GradientBoosting({ ...params, num_boost_round: best + 1 }).fit(
    D.frame,
    D.labels,
  );
  assert.deepEqual(model.predictProba(valid.frame), exact.predictProba(valid.frame));
  const all = await fit(false);
  assert.equal(all.best, best);
  assert.equal(all.model.state.trees.length, best + 6, "saveBest false keeps every round");
  assert.equal(all.model.state.attributes.best_iteration, String(best));
});

Deno.test("EarlyStopping follows its declared direction", () => {
  const up = new EarlyStopping({ rounds: 2, key: "v-auc", maximize: true });
  const values = [0.7, 0.8, 0.79, 0.78];
  const results = values.map((v, i) => up.afterIteration({ iteration: i, values: { "v-auc": v } }));
  assert.deepEqual(results, [undefined, undefined, undefined, "stop"]);
  assert.equal(up.bestIteration, 1);
  assert.throws(() => up.afterIteration({ iteration: 4, values: {} }), /watches "v-auc"/);
});

Deno.test("bad parameters name themselves, the allowed range and the value found", () => {
  assert.throws(
    () =>
      new GradientBoosting({
        max_bin: 1,
        eta: 0,
        subsample: 1.5,
        max_depht: 3,
        grow_policy: "wide",
      }),
    (e) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual([...e.problems].sort(), [
        "model.params.eta: must be a number in (0, 1], got 0",
        'model.params.grow_policy: must be one of depthwise, lossguide, got "wide"',
        "model.params.max_bin: must be an integer in [2, 256], got 1",
        "model.params.max_depht: unknown setting for xgboost",
        "model.params.subsample: must be a number in (0, 1], got 1.5",
      ]);
      return true;
    },
  );
  assert.throws(
    () => new GradientBoosting({ max_depth: 0 }),
    /max_depth: must be ≥ 1 unless grow_policy is lossguide/,
  );
  assert.equal(new GradientBoosting({ learning_rate: 0.05, n_estimators: 7 }).params.eta, 0.05);
  assert.throws(() => new GradientBoosting({ learning_rate: 2 }), (e) => {
    assert.deepEqual((e as ConfigError).problems, [
      "model.params.learning_rate: must be a number in (0, 1], got 2",
    ]);
    return true;
  });
});

Deno.test("early stopping without an eval set, and labels outside [0, 1], are refused clearly", async () => {
  await assert.rejects(
    new GradientBoosting({ early_stopping_rounds: 3 }).fit(D.frame, D.labels),
    ConfigError,
  );
  await assert.rejects(
    new GradientBoosting({ nthread: 1 }).fit(D.frame, Float64Array.of(...D.labels.slice(0, -1), 2)),
    (e) => e instanceof DataError && /label 2 at row 2999/.test(e.message),
  );
});

Deno.test("cut points put one bin per distinct value and split as x < cut", async () => {
  const ws = new Workspace(), pool = await ThreadPool.start(ws, { bins: 0, nfeat: 1, gh: 0 }, 1);
  const { cuts, minValues } = await computeCuts(
    [
      Float64Array.of(3, 1, 2, 2, NaN),
      Float64Array.of(NaN, NaN),
    ],
    256,
    { ws, pool },
  );
  assert.deepEqual(Array.from(cuts[0]!), [2, 3, Math.fround(6.00001)]);
  assert.equal(minValues[0], Math.fround(1 - 1 - Math.fround(1e-5))); // XGBoost's min_val
  assert.equal(cuts[1]!.length, 1);
  const many = Float64Array.from({ length: 10_000 }, (_, i) => i);
  const q = (await computeCuts([many], 16, { ws, pool })).cuts[0]!;
  assert.equal(q.length, 16);
  assert.ok(q.every((v, i) => i === 0 || v > q[i - 1]!));
  // Zeros of both signs are one value; ties count once.
  const zeros = await computeCuts([Float64Array.of(0, -0, 1, 1, -0, 2)], 256, { ws, pool });
  assert.deepEqual(Array.from(zeros.cuts[0]!), [1, 2, Math.fround(4.00001)]);
  const ties = Float64Array.from({ length: 3000 }, (_, i) => (i % 300) / 7);
  assert.ok((await computeCuts([ties], 300, { ws, pool })).cuts[0]!.length <= 256, "quantiles");
  const few = (await computeCuts([ties.map((v) => v % 5)], 256, { ws, pool })).cuts[0]!;
  assert.deepEqual(Array.from(few).slice(0, 3), [1 / 7, 2 / 7, 3 / 7].map(Math.fround));
  pool.close();
});

Deno.test("the WASM float32 radix sort gives exactly the built-in order: signs, zeros, infinities, denormals, ties", () => {
  const ws = new Workspace(), rng = new Rng(5);
  const special = [-0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -1e-40];
  const sets = [0, 1, 2, 1023, 1024, 5000, 47_500].map((n) =>
    Float32Array.from(
      { length: n },
      (_, i) =>
        i % 13 === 0
          ? special[i % special.length]!
          : Math.round(rng.normal() * 100) / 100 * 10 ** (i % 7 - 3),
    )
  );
  // Keys alike in their low, middle or high digits (passes skipped), and only zeros.
  sets.push(Float32Array.from({ length: 3000 }, (_, i) => (i % 3) - 1));
  sets.push(Float32Array.from({ length: 3000 }, (_, i) => 1 + (i % 7) * 2 ** -23));
  sets.push(Float32Array.from({ length: 3000 }, (_, i) => (i % 2 ? -0 : 0)));
  const values = ws.alloc(4 * 47_500), tmp = ws.alloc(4 * 47_500), count = ws.alloc(4 * 2048);
  for (const x of sets) {
    ws.f32(values, x.length).set(x);
    ws.k.sortF32(values, x.length, tmp, count);
    const want = x.slice().sort(), got = ws.f32(values, x.length);
    for (let i = 0; i < x.length; i++) {
      assert.ok(Object.is(got[i], want[i]), `n ${x.length}, at ${i}`);
    }
  }
});

Deno.test("quantized gradients sum to the same float64 in any order, each within half a quantum", () => {
  const ws = new Workspace(), n = 50_000, rng = new Rng(9);
  const gh = ws.alloc(16 * n), v = ws.f64(gh, 2 * n);
  for (let i = 0; i < n; i++) {
    v[2 * i] = (rng.next() * 2 - 1) * 10 ** (-6 * rng.next()); // magnitudes 1e-6 to 1
    v[2 * i + 1] = 0.25 * rng.next() ** 8;
  }
  const raw = v.slice(), max = ws.alloc(16);
  ws.k.ghAbsMax(gh, n, max);
  const [mg, mh] = ws.f64(max, 2);
  assert.equal(mg, Math.max(...raw.filter((_, i) => i % 2 === 0).map(Math.abs)));
  const qg = gradientQuantum(n, mg!), qh = gradientQuantum(n, mh!);
  ws.k.quantizeGh(gh, n, qg, qh);
  const q = ws.f64(gh, 2 * n).slice();
  for (let i = 0; i < 2 * n; i++) {
    assert.ok(Math.abs(q[i]! - raw[i]!) <= (i % 2 ? qh : qg) / 2, `value ${i}`);
  }
  const order = Array.from({ length: n }, (_, i) => i), shuffled = order.slice();
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  for (const lane of [0, 1]) {
    const sum = (ids: number[]) => ids.reduce((s, i) => s + q[2 * i + lane]!, 0);
    const forward = sum(order);
    assert.equal(sum(order.slice().reverse()), forward);
    assert.equal(sum(shuffled), forward);
    // Two halves summed apart, then added (what two threads' partial histograms do).
    const third = Math.floor(n / 3);
    assert.equal(sum(shuffled.slice(0, third)) + sum(shuffled.slice(third)), forward);
  }
});

Deno.test("a small child's rows taken from its parent's histogram leave the bins whole-histogram subtraction leaves, and mark the bins they fall in", () => {
  // Quantized pairs make every difference exact, so the order rows are taken in does not matter.
  const ws = new Workspace(), n = 3000, nf = 7, rng = new Rng(21), m = 90;
  const bins = ws.alloc(n * nf + 16), rows = ws.alloc(4 * n), gh = ws.alloc(16 * n);
  ws.u8(bins, n * nf).set(
    Array.from({ length: n * nf }, () => rng.next() < 0.1 ? 255 : rng.int(40)),
  );
  const v = ws.f64(gh, 2 * n);
  for (let i = 0; i < 2 * n; i++) v[i] = i % 2 ? 0.25 * rng.next() : rng.next() * 2 - 1;
  const max = ws.alloc(16);
  ws.k.ghAbsMax(gh, n, max);
  const [mg, mh] = ws.f64(max, 2);
  ws.k.quantizeGh(gh, n, gradientQuantum(n, mg!), gradientQuantum(n, mh!));
  // The node: every row; its child: m rows scattered through it.
  const ids = Array.from({ length: n }, (_, i) => i).sort(() => rng.next() - 0.5);
  ws.i32(rows, n).set(ids);
  const bytes = nf * 4096, buf = ws.alloc(ws.k.gatherBytes(nf));
  const [parent, child, takenParent, takenChild] = [
    ws.alloc(bytes),
    ws.alloc(bytes),
    ws.alloc(bytes),
    ws.alloc(bytes),
  ];
  ws.k.buildHist(bins, nf, rows, 0, n, gh, parent, 0, nf, buf);
  ws.u8(takenParent, bytes).set(ws.u8(parent, bytes));
  ws.k.buildHist(bins, nf, rows, 0, m, gh, child, 0, nf, buf);
  ws.k.reduceHists(0, 0, child, parent, 0, nf * 256);
  ws.u8(takenChild, bytes).fill(7); // not zero: the kernel zeroes the child's bins itself
  const hints = ws.alloc(32 * nf);
  ws.u8(hints, 32 * nf).fill(255); // not zero: the kernel clears the marks itself
  ws.k.buildHistTake(bins, nf, rows, 0, m, gh, takenChild, takenParent, 0, nf, hints);
  assert.ok(ws.f64(child, nf * 512).some((x) => x !== 0), "the child has rows");
  assert.deepEqual(ws.u8(takenChild, bytes), ws.u8(child, bytes), "the child's bins");
  assert.deepEqual(ws.u8(takenParent, bytes), ws.u8(parent, bytes), "the sibling's bins");
  // The marks: exactly the bins the child's rows fall in, feature by feature.
  const marked = new Uint8Array(nf * 256), words = ws.u8(hints, 32 * nf);
  for (const r of ids.slice(0, m)) {
    for (let f = 0; f < nf; f++) marked[f * 256 + ws.u8(bins, n * nf)[r * nf + f]!] = 1;
  }
  const bit = (i: number) => (words[i >> 3]! >> (i & 7)) & 1;
  assert.deepEqual(Uint8Array.from(marked, (_, i) => bit(i)), marked, "the marked bins");
});

Deno.test("logistic gradients are XGBoost's in float32 (exp within 2 ulp), whatever range a job starts at", () => {
  const ws = new Workspace(), n = 1003, rng = new Rng(4);
  for (let i = 0; i <= 17_500; i++) {
    const x = Math.fround(-87 + i / 100), want = Math.exp(x);
    assert.ok(Math.abs(ws.k.expF32(x) - want) <= 2 * 2 ** -23 * want, `e^${x}`);
  }
  const margin = ws.alloc(8 * n), label = ws.alloc(4 * n), whole = ws.alloc(16 * n);
  const parts = ws.alloc(16 * n), m = ws.f64(margin, n), y = ws.f32(label, n);
  for (let i = 0; i < n; i++) [m[i], y[i]] = [(rng.next() - 0.5) * 30, rng.next() < 0.3 ? 1 : 0];
  ws.k.gradLogistic(margin, label, 0, n, 2.5, whole);
  const out = ws.f64(whole, 2 * n), f = Math.fround;
  for (let i = 0; i < n; i++) {
    const p = f(1 / f(1 + f(Math.exp(-f(m[i]!))))), w = y[i] === 1 ? 2.5 : 1;
    assertClose(out[2 * i]!, f((p - y[i]!) * w), 1e-6, 1e-7, `grad ${i}`);
    assertClose(out[2 * i + 1]!, f(Math.max(f(p * f(1 - p)), 1e-16) * w), 1e-6, 1e-7, `hess ${i}`);
  }
  // Ranges split as the thread pool splits them give the same pairs, bit for bit.
  for (const [s, e] of [[0, 5], [5, 502], [502, n]] as const) {
    ws.k.gradLogistic(margin + 8 * s, label + 4 * s, 0, e - s, 2.5, parts + 16 * s);
  }
  assert.deepEqual(ws.f64(parts, 2 * n), out);
});

Deno.test("gain and weight follow XGBoost's formulas with lambda, alpha and max_delta_step", () => {
  const p = { lambda: 1, alpha: 0, max_delta_step: 0, min_child_weight: 1 };
  assert.equal(calcWeight(p, -4, 3), 1);
  assert.equal(calcGain(p, -4, 3), 4);
  assert.equal(calcGain({ ...p, alpha: 1 }, -4, 3), 9 / 4);
  assert.equal(calcWeight({ ...p, max_delta_step: 0.5 }, -4, 3), 0.5);
  assert.equal(calcGain({ ...p, max_delta_step: 0.5 }, -4, 3), -(2 * -4 * 0.5 + 4 * 0.25));
  assert.equal(calcWeight(p, -4, 0.5), 0, "below min_child_weight");
});

/** XGBoost's split enumeration, scalar: per feature forward (missing right), then backward. */
function referenceSplit(
  p: GainParams,
  node: { hist: Float64Array; bins: readonly number[]; g: number; h: number },
): number[] | undefined {
  const pg = calcGain(p, node.g, node.h);
  let best = RT_EPS, found: number[] | undefined;
  node.bins.forEach((nb, f) => {
    const at = (b: number, lane: number) => node.hist[512 * f + 2 * b + lane]!;
    const hasMissing = at(255, 0) !== 0 || at(255, 1) !== 0;
    for (const forward of hasMissing ? [true, false] : [true]) {
      let sg = 0, sh = 0;
      for (let k = 0; k < nb; k++) {
        const b = forward ? k : nb - 1 - k;
        if (at(b, 0) === 0 && at(b, 1) === 0) continue;
        [sg, sh] = [sg + at(b, 0), sh + at(b, 1)];
        const [og, oh] = [node.g - sg, node.h - sh];
        if (sh < p.min_child_weight || sh <= 0) continue;
        if (oh < p.min_child_weight || oh <= 0) break;
        const [gl, hl, gr, hr] = forward ? [sg, sh, og, oh] : [og, oh, sg, sh];
        const gain = calcGain(p, gl, hl) + calcGain(p, gr, hr) - pg;
        if (gain > best) {
          best = gain;
          found = [gain, f, forward ? b : b - 1, forward ? 0 : 1, gl, hl, gr, hr];
        }
      }
    }
  });
  return found;
}

Deno.test("the WASM split search picks the split XGBoost's scan picks, exact and near ties included", () => {
  const ws = new Workspace(), rng = new Rng(21), nf = 12;
  const hist = ws.alloc(nf * 4096), counts = ws.alloc(4 * nf), feats = ws.alloc(4 * nf);
  const out = ws.alloc(8 * 10); // the split, found, the categorical flag
  ws.i32(feats, nf).set(Array.from({ length: nf }, (_, f) => f));
  const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
  const params: GainParams[] = [
    { lambda: 1, alpha: 0, max_delta_step: 0, min_child_weight: 1 },
    { lambda: 0, alpha: 0, max_delta_step: 0, min_child_weight: 0 },
    { lambda: 2, alpha: 0.5, max_delta_step: 0.7, min_child_weight: 0.5 },
  ];
  let splits = 0;
  for (let trial = 0; trial < 3000; trial++) {
    // Small integer sums (in quanta) collide often: many exact ties. Later features are the first
    // one nudged by a quantum here and there: near ties across features.
    const v = ws.f64(hist, nf * 512).fill(0), small = trial % 2 === 0;
    const [quantum, scale] = small ? [2 ** -1, 1] : [2 ** -20, 2 ** 14];
    const bins = Array.from({ length: nf }, () => int(2, small ? 6 : 255));
    for (let f = 0; f < nf; f++) {
      if (f > 0 && f % 3 !== 0) bins[f] = bins[f - 1]!;
      for (let b = 0; b < bins[f]!; b++) {
        if (f % 3 !== 0) {
          v[512 * f + 2 * b] = v[512 * (f - 1) + 2 * b]! + (rng.next() < 0.1 ? int(-1, 1) : 0);
          v[512 * f + 2 * b + 1] = v[512 * (f - 1) + 2 * b + 1]!;
        } else if (rng.next() < 0.8) {
          v[512 * f + 2 * b] = int(small ? -3 : -40 * scale, small ? 3 : 40 * scale);
          v[512 * f + 2 * b + 1] = int(small ? 1 : 0, small ? 3 : 30 * scale);
        }
      }
    }
    // Every feature holds the node's rows: the totals are feature 0's, the rest goes missing.
    const sum = (f: number, lane: number) =>
      Array.from({ length: bins[f]! }, (_, b) => v[512 * f + 2 * b + lane]!).reduce((a, x) =>
        a + x
      );
    const g = sum(0, 0) + int(-5, 5) * scale;
    const h = Math.max(...bins.map((_, f) => sum(f, 1))) + int(0, 4) * scale;
    // Every fourth trial the rest goes to each feature's last value bin: nothing is missing.
    const rest = trial % 4 === 1 ? (f: number) => 2 * (bins[f]! - 1) : () => 510;
    for (let f = 0; f < nf; f++) {
      const [dg, dh] = [g - sum(f, 0), h - sum(f, 1)];
      v[512 * f + rest(f)] = v[512 * f + rest(f)]! + dg;
      v[512 * f + rest(f) + 1] = v[512 * f + rest(f) + 1]! + dh;
    }
    for (let i = 0; i < v.length; i++) v[i] = v[i]! * quantum;
    ws.i32(counts, nf).set(bins);
    const p = params[trial % params.length]!;
    ws.k.setGainParams(p.lambda, p.alpha, p.max_delta_step, p.min_child_weight);
    const want = referenceSplit(p, { hist: v, bins, g: g * quantum, h: h * quantum });
    // A node of few rows per bin is searched by its non-empty bins, a larger one bin by bin.
    for (const rows of [0, 1e6]) {
      const node = { hist, counts, feats, nf, g: g * quantum, h: h * quantum, rows };
      const got = searchSplit(ws, node, out);
      assert.equal(got[8], want ? 1 : 0, `trial ${trial}, ${rows} rows: found`);
      if (want) {
        assert.deepEqual(Array.from(got.subarray(0, 8)), want, `trial ${trial}, ${rows} rows`);
      }
    }
    if (want) splits++;
  }
  assert.ok(splits > 2000, `${splits} of 3000 trials had a split`);
});

/** findBestSplit over a node's histogram without constraints or categories: the `out` words. */
function searchSplit(
  ws: Workspace,
  node: {
    hist: number;
    counts: number;
    feats: number;
    nf: number;
    g: number;
    h: number;
    rows: number;
  },
  out: number,
): Float64Array {
  const { hist, counts, feats, nf, g, h, rows } = node;
  ws.k.findBestSplit(hist, counts, feats, nf, g, h, RT_EPS, out, 0, 0, 0, 0, 0, 0, 0, 256, rows, 0);
  return ws.f64(out, 9);
}

Deno.test("a model predicts in one WASM memory of its own, reused call after call", async () => {
  const model = await new GradientBoosting({ num_boost_round: 5, nthread: 1 }).fit(
    D.frame,
    D.labels,
  );
  const other = await new GradientBoosting({ num_boost_round: 3, nthread: 1 }).fit(
    D.frame,
    D.labels,
  );
  assert.equal(model.predictorMemory, undefined, "made on first use");
  const first = model.predictProba(D.frame);
  const memory: unknown = model.predictorMemory;
  assert.ok(memory instanceof WebAssembly.Memory);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(model.predictProba(D.frame), first);
    assert.equal(model.predictorMemory, memory, "the same memory, not a new one per call");
  }
  other.predictProba(D.frame);
  assert.notEqual(other.predictorMemory, memory, "one per model");
  model.decisionThreshold = 0.3; // a new state object, the same trees: the memory stays
  model.predictProba(D.frame);
  assert.equal(model.predictorMemory, memory);
  model.releasePredictor();
  assert.equal(model.predictorMemory, undefined);
  assert.deepEqual(model.predictProba(D.frame), first);
});
