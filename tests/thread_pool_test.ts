import assert from "node:assert/strict";
import { OP_BARRIER, OP_GH_MAX, OP_GRAD_SQUARED } from "../lib/models/gbt/_jobs.ts";
import { JOB_CAPACITY } from "../lib/models/gbt/_pool_control.ts";
import { Workspace } from "../lib/models/gbt/kernel/workspace.ts";
import { ThreadPool } from "../lib/models/gbt/thread_pool.ts";

/** One squared-error gradient per job: row i's pair becomes (margin − label, 1). */
function setup(rows: number) {
  const ws = new Workspace();
  const margin = ws.alloc(8 * rows), label = ws.alloc(4 * rows), gh = ws.alloc(16 * rows);
  ws.f64(margin, rows).set(Float64Array.from({ length: rows }, (_, i) => i * 0.5));
  ws.f32(label, rows).fill(1);
  const job = (i: number) => [OP_GRAD_SQUARED, margin + 8 * i, label + 4 * i, 0, 1, gh + 16 * i];
  /** A job that traps (reads past the memory's end). */
  const trap = [OP_GRAD_SQUARED, margin, label, 0, 2_000_000_000, gh];
  return { ws, gh, job, trap };
}

Deno.test("thread pool: job lists longer than a worker's slot run in rounds, every job once", async () => {
  const rows = Math.ceil((3 * JOB_CAPACITY) / 6) + 7; // three slots' worth on the worker
  const { ws, gh, job } = setup(rows);
  const pool = await ThreadPool.start(ws, { bins: 0, nfeat: 1, gh }, 2);
  try {
    const split = Math.floor(rows / 10);
    const mine = Array.from({ length: split }, (_, i) => job(i)).flat();
    const theirs = Array.from({ length: rows - split }, (_, i) => job(split + i)).flat();
    assert.ok(theirs.length > 2 * JOB_CAPACITY);
    await pool.run([mine, theirs]);
    const out = ws.f64(gh, 2 * rows);
    for (let i = 0; i < rows; i++) {
      assert.equal(out[2 * i], i * 0.5 - 1, `row ${i}`);
      assert.equal(out[2 * i + 1], 1, `row ${i}`);
    }
  } finally {
    pool.close();
  }
});

Deno.test("thread pool: a job that fails on a worker fails the run, and the pool keeps working", async () => {
  const { ws, gh, job, trap } = setup(4);
  const pool = await ThreadPool.start(ws, { bins: 0, nfeat: 1, gh }, 2);
  try {
    await assert.rejects(pool.run([job(0), trap]), /kernel worker failed/);
    await assert.rejects(pool.run([[99], []]), /Unknown kernel job 99/);
    await Promise.all([pool.run([job(1), job(2)]), pool.run([[], job(3)])]); // queued, in order
    assert.deepEqual([...ws.f64(gh, 8)], [-1, 1, -0.5, 1, 0, 1, 0.5, 1]);
  } finally {
    pool.close();
  }
});

Deno.test("thread pool: a barrier holds each thread until every thread has reached it", async () => {
  // The worker writes its rows' gradient maximum, slowly, before the barrier; the calling thread
  // reads that pair as its own "gradients" after it: without the barrier it would read zeros.
  const rows = 4_000_000;
  const { ws, gh } = setup(rows);
  const v = ws.f64(gh, 2 * rows);
  for (let i = 0; i < rows; i++) [v[2 * i], v[2 * i + 1]] = [-(i % 1000), i % 7];
  const theirs = ws.alloc(16), mine = ws.alloc(16), counter = ws.alloc(4);
  const pool = await ThreadPool.start(ws, { bins: 0, nfeat: 1, gh }, 2);
  try {
    for (let round = 0; round < 3; round++) {
      ws.f64(theirs, 2).fill(0);
      Atomics.store(ws.i32(counter, 1), 0, 0);
      await pool.run([
        [OP_BARRIER, counter, 2, OP_GH_MAX, theirs, 1, mine],
        [OP_GH_MAX, gh, rows, theirs, OP_BARRIER, counter, 2],
      ]);
      assert.deepEqual([...ws.f64(mine, 2)], [999, 6], `round ${round}`);
    }
  } finally {
    pool.close();
  }
});

Deno.test("a small fit runs on one thread (the pool costs more than it saves there), split by split below 1.5M cells, leaf-wise in one round below 650,000; a larger one on the threads asked", async () => {
  const { fitThreads } = await import("../lib/models/gbt/_boosting.ts");
  const { GbtParamsSchema } = await import("../lib/models/gbt/params.ts");
  const depthwise = GbtParamsSchema.parse({ nthread: 2 });
  const leafwise = GbtParamsSchema.parse({
    nthread: 2,
    grow_policy: "lossguide",
    max_leaves: 31,
    max_depth: 0,
  });
  assert.equal(fitThreads(depthwise, { rows: 5_000, nfeat: 30 }), 1);
  assert.equal(fitThreads(depthwise, { rows: 20_000, nfeat: 30 }), 1);
  assert.equal(fitThreads(depthwise, { rows: 50_000, nfeat: 30 }), 2);
  assert.equal(fitThreads(leafwise, { rows: 5_000, nfeat: 30 }), 1);
  assert.equal(fitThreads(leafwise, { rows: 20_000, nfeat: 30 }), 1);
  assert.equal(fitThreads(leafwise, { rows: 25_000, nfeat: 30 }), 2);
  // Leaf-wise with per-node column samples grows split by split: the larger threshold.
  const bynode = GbtParamsSchema.parse({ ...leafwise, colsample_bynode: 0.5 });
  assert.equal(fitThreads(bynode, { rows: 25_000, nfeat: 30 }), 1);
});

Deno.test("weighted shares: contiguous feature ranges balanced by cost, every feature in one share", async () => {
  const { weightedShares } = await import("../lib/models/gbt/node_jobs.ts");
  const two = [{ f0: 0, f1: 3, buf: 8 }, { f0: 3, f1: 6, buf: 16 }];
  const ranges = (cost: number[], shares = two) =>
    weightedShares(shares, cost).map((s) => [s.f0, s.f1, s.buf]);
  // Equal costs: the equal split.
  assert.deepEqual(ranges([1, 1, 1, 1, 1, 1]), [[0, 3, 8], [3, 6, 16]]);
  // The bench's categorical set: 10, 100 and 1,000 categories (cost ×10), then 27 numbers of 255
  // bins: the 1,000-category feature closes the first share, where the equal split is [0, 15).
  const bench = [100, 1000, 10_000, ...Array<number>(27).fill(255)];
  assert.deepEqual(ranges(bench), [[0, 3, 8], [3, 30, 16]]);
  // Without enough numbers after it, the costly feature goes to the second share instead.
  assert.deepEqual(ranges([100, 1000, 10_000, 255, 255, 255]), [[0, 2, 8], [2, 6, 16]]);
  assert.deepEqual(ranges([10_000, 255, 255, 255, 255, 255]), [[0, 1, 8], [1, 6, 16]]);
  assert.deepEqual(ranges([255, 255, 255, 255, 255, 10_000]), [[0, 5, 8], [5, 6, 16]]);
  const three = [...two, { f0: 6, f1: 6, buf: 24 }];
  const split = ranges([5, 1, 1, 1, 1, 1, 5, 5], three);
  assert.deepEqual(split.map(([f0, f1]) => [f0, f1]), [[0, 3], [3, 7], [7, 8]]); // costs 7, 8, 5
});

Deno.test("a one-thread workspace: its memory is not shared, its views outlive the memory's growth, its kernels compute what the shared ones do, and a pool of two refuses it", async () => {
  const local = new Workspace({ shared: false }), shared = new Workspace();
  assert.equal(local.memory.buffer instanceof SharedArrayBuffer, false);
  assert.equal(shared.memory.buffer instanceof SharedArrayBuffer, true);
  const rows = 1000, results: number[][] = [];
  for (const ws of [local, shared]) {
    const margin = ws.alloc(8 * rows), label = ws.alloc(4 * rows), gh = ws.alloc(16 * rows);
    const margins = ws.f64(margin, rows);
    ws.alloc(8 * 2 ** 20); // grows the memory past the views made so far
    margins.set(Float64Array.from({ length: rows }, (_, i) => Math.sin(i)));
    ws.f32(label, rows).fill(1);
    ws.k.gradSquared(margin, label, 0, rows, gh);
    results.push([...ws.f64(gh, 2 * rows)]);
  }
  assert.deepEqual(results[0], results[1]);
  assert.equal(results[0]![2], Math.sin(1) - 1);
  await assert.rejects(
    ThreadPool.start(local, { bins: 0, nfeat: 1, gh: 0 }, 2),
    /needs a shared workspace memory/,
  );
});
