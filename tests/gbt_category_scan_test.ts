/**
 * The WASM categorical split search against a direct TypeScript reading of XGBoost's partition
 * scan (EnumeratePart: categories sorted stably by leaf weight, a prefix going right, scanned
 * forward with missing values left and backward with them right, each side at most
 * max_cat_threshold − 1 categories), on features of 20 to 3,000 categories placed in wide slots
 * (the slot table), with many exact ties in the weights (the merge sort must keep them in category
 * order).
 */

import assert from "node:assert/strict";
import { Workspace } from "../lib/models/gbt/kernel/workspace.ts";
import { calcGain, calcWeight, type GainParams, RT_EPS } from "../lib/models/gbt/split.ts";
import { Rng } from "../lib/util/rng.ts";

interface Node {
  readonly g: number;
  readonly h: number;
  readonly miss: readonly [number, number];
  readonly bins: ReadonlyArray<readonly [number, number]>;
}

/** XGBoost's partition scan of one feature: [gain, defaultLeft, gl, hl, gr, hr] and the set. */
function referencePartition(p: GainParams & { maxCat: number }, node: Node) {
  const nb = node.bins.length, pg = calcGain(p, node.g, node.h);
  const order = Array.from({ length: nb }, (_, c) => c);
  const key = node.bins.map(([g, h]) => calcWeight(p, g, h));
  order.sort((a, b) => key[a]! - key[b]! || a - b);
  const k = Math.min(p.maxCat, nb);
  let best = RT_EPS, found: { words: number[]; set: number[] } | undefined;
  const consider = (gl: number, hl: number, gr: number, hr: number, dl: number, set: number[]) => {
    if (hl < p.min_child_weight || hr < p.min_child_weight || hl <= 0 || hr <= 0) return;
    const gain = calcGain(p, gl, hl) + calcGain(p, gr, hr) - pg;
    if (gain > best) [best, found] = [gain, { words: [gain, dl, gl, hl, gr, hr], set }];
  };
  let sg = 0, sh = 0;
  for (let j = 0; j < k - 1; j++) {
    [sg, sh] = [sg + node.bins[order[j]!]![0], sh + node.bins[order[j]!]![1]];
    consider(node.g - sg, node.h - sh, sg, sh, 1, order.slice(0, j + 1));
  }
  [sg, sh] = [0, 0];
  for (let i = nb - 1; i > nb - k; i--) {
    [sg, sh] = [sg + node.bins[order[i]!]![0], sh + node.bins[order[i]!]![1]];
    consider(sg, sh, node.g - sg, node.h - sh, 0, order.slice(0, i));
  }
  return found && { ...found, set: found.set.sort((a, b) => a - b) };
}

/**
 * A workspace holding one categorical feature in a wide slot of `cap` bins (feature 1; feature 0
 * an ordinary 4 KiB slot, unused): `search` places a node's histogram there and runs the kernel's
 * search over it, `set` reads the categories going right.
 */
function wideSlot(cap: number) {
  const ws = new Workspace(), nf = 2;
  const hist = ws.alloc(nf * 4096 + cap * 16), counts = ws.alloc(4 * nf), feats = ws.alloc(4);
  const slots = ws.alloc(8 * nf), flags = ws.alloc(nf), out = ws.alloc(80 + cap / 8 + 24 * cap);
  ws.i32(slots, 2 * nf).set([0, 255 * 16, nf * 4096, (cap - 1) * 16]);
  ws.u8(flags, nf).set([0, 1]);
  ws.i32(feats, 1).set([1]);
  return {
    ws,
    search(node: Node, o: { onehotBelow: number; maxCat: number; rows: number }): Float64Array {
      const w = ws.f64(nf * 4096 + hist, cap * 2).fill(0);
      node.bins.forEach(([bg, bh], c) => w.set([bg, bh], 2 * c));
      w.set(node.miss, 2 * (cap - 1));
      ws.i32(counts, nf).set([1, node.bins.length]);
      const { g, h } = node;
      ws.k.findBestSplit(
        hist,
        counts,
        feats,
        1,
        g,
        h,
        RT_EPS,
        out,
        0,
        0,
        0,
        flags,
        o.onehotBelow,
        o.maxCat,
        slots,
        cap,
        o.rows,
        0,
      );
      return ws.f64(out, 10);
    },
    set(): number[] {
      const bits = ws.u8(out + 80, cap / 8), set: number[] = [];
      for (let c = 0; c < cap; c++) if ((bits[c >> 3]! >> (c & 7)) & 1) set.push(c);
      return set;
    },
  };
}

Deno.test("the WASM categorical partition scan is XGBoost's, up to 3,000 categories in wide slots, ties kept in category order", () => {
  const rng = new Rng(5), slot = wideSlot(3072), ws = slot.ws;
  const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
  const p = { lambda: 1, alpha: 0, max_delta_step: 0, min_child_weight: 1, maxCat: 64 };
  let splits = 0, big = 0;
  for (let trial = 0; trial < 400; trial++) {
    const nb = [20, 300, 1000, 3000][trial % 4]!;
    const bins = Array.from(
      { length: nb },
      (): [number, number] => rng.next() < 0.2 ? [0, 0] : [int(-4, 4), int(1, 3)], // small sums: many equal weights
    );
    const miss: [number, number] = trial % 3 === 0 ? [0, 0] : [int(-6, 6), int(1, 5)];
    const g = bins.reduce((a, b) => a + b[0], miss[0]),
      h = bins.reduce((a, b) => a + b[1], miss[1]);
    const maxCat = [64, 8, 2000][trial % 3]!;
    ws.k.setGainParams(p.lambda, p.alpha, p.max_delta_step, p.min_child_weight);
    const got = slot.search({ g, h, miss, bins }, { onehotBelow: 0, maxCat, rows: 0 });
    const want = referencePartition({ ...p, maxCat }, { g, h, miss, bins });
    assert.equal(got[8], want ? 1 : 0, `trial ${trial}: found`);
    if (!want) continue;
    splits++;
    if (want.set.length > 64) big++;
    assert.deepEqual([got[0], got[3], ...got.subarray(4, 8)], want.words, `trial ${trial}`);
    assert.deepEqual(slot.set(), want.set, `trial ${trial}: the categories going right`);
  }
  assert.ok(splits > 300 && big > 50, `${splits} splits, ${big} sets above 64 categories`);
});

/**
 * LightGBM's partition scan (FindBestThresholdCategoricalInner, not one-hot), read directly: the
 * categories with round(h · rows / H) ≥ cat_smooth sorted stably by g / (h + cat_smooth); from
 * either end at most min(max_cat_threshold, (m + 1) / 2) of them; a candidate once the run has
 * gathered min_data_per_group rows and while the rest keeps as many (and min_child_weight); gains
 * with lambda + cat_l2. The run goes right, the rest and missing values left.
 */
function referenceLightGbm(
  p: GainParams & { maxCat: number; smooth: number; perGroup: number; catL2: number },
  node: Node & { rows: number },
) {
  const perHess = node.rows / node.h, pg = calcGain(p, node.g, node.h);
  const count = (c: number) => Math.round(node.bins[c]![1] * perHess);
  const key = (c: number) => node.bins[c]![0] / (node.bins[c]![1] + p.smooth);
  const used = node.bins.map((_, c) => c).filter((c) => count(c) >= p.smooth);
  used.sort((a, b) => key(a) - key(b) || a - b);
  const m = used.length,
    most = Math.min(p.maxCat, (m + 1) >> 1),
    l2 = { ...p, lambda: p.lambda + p.catL2 };
  let best = RT_EPS, found: { words: number[]; set: number[]; dir: number } | undefined;
  for (const dir of [1, -1]) {
    let sg = 0, sh = 0, rows = 0, group = 0;
    for (let i = 0; i < most; i++) {
      const c = used[dir === 1 ? i : m - 1 - i]!;
      [sg, sh] = [sg + node.bins[c]![0], sh + node.bins[c]![1]];
      rows += count(c);
      group += count(c);
      if (sh < p.min_child_weight) continue;
      if (node.rows - rows < p.perGroup || node.h - sh < p.min_child_weight) break;
      if (group < p.perGroup) continue;
      group = 0;
      const gain = calcGain(l2, sg, sh) + calcGain(l2, node.g - sg, node.h - sh) - pg;
      if (gain > best) {
        const set = dir === 1 ? used.slice(0, i + 1) : used.slice(m - 1 - i);
        [best, found] = [gain, { words: [gain, 1, node.g - sg, node.h - sh, sg, sh], set, dir }];
      }
    }
  }
  return found && { ...found, set: found.set.sort((a, b) => a - b) };
}

/**
 * Runs the kernel's search with LightGBM's categorical parameters `q` on `node` and asserts it is
 * the reference's; returns the reference's direction (undefined when neither finds a split).
 */
function searchLikeLightGbm(
  slot: ReturnType<typeof wideSlot>,
  q: Parameters<typeof referenceLightGbm>[0],
  node: Parameters<typeof referenceLightGbm>[1],
  trial: number,
): number | undefined {
  slot.ws.k.setGainParams(q.lambda, q.alpha, q.max_delta_step, q.min_child_weight);
  slot.ws.k.setCategoryParams(q.smooth, q.perGroup, q.catL2);
  const got = slot.search(node, { onehotBelow: 4, maxCat: q.maxCat, rows: node.rows });
  const want = referenceLightGbm(q, node);
  assert.equal(got[8], want ? 1 : 0, `trial ${trial}: found`);
  if (!want) return undefined;
  assert.deepEqual([got[0], got[3], ...got.subarray(4, 8)], want.words, `trial ${trial}`);
  assert.deepEqual(slot.set(), want.set, `trial ${trial}: the categories going right`);
  return want.dir;
}

Deno.test("with cat_smooth the WASM scan is LightGBM's categorical partition: rare categories left out, smoothed order, both ends, per-group counts, cat_l2", () => {
  const rng = new Rng(11), slot = wideSlot(1024), ws = slot.ws;
  const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
  const p = { lambda: 1, alpha: 0, max_delta_step: 0, min_child_weight: 1e-3 };
  let splits = 0, fromEnd = 0;
  for (let trial = 0; trial < 600; trial++) {
    const nb = [12, 100, 1000][trial % 3]!;
    // Hessians of a quarter per row (a logistic loss near p = 0.5): h = rows / 4.
    const bins = Array.from({ length: nb }, (): [number, number] => {
      const rows = rng.next() < 0.3 ? int(0, 12) : int(0, 400);
      return [int(-rows, rows) / 8, rows / 4];
    });
    const miss: [number, number] = trial % 2 ? [0, 0] : [int(-20, 20) / 8, int(0, 80) / 4];
    const g = bins.reduce((a, b) => a + b[0], miss[0]),
      h = bins.reduce((a, b) => a + b[1], miss[1]);
    // A node's row count is not always 4h (the weights differ): counts estimated as h · rows / H
    // are then fractional, and rounding them decides whether a category near cat_smooth is kept.
    const rows = trial % 4 === 1 ? Math.round(4 * h * 1.06) : 4 * h;
    const q = {
      ...p,
      maxCat: [32, 4, 64][trial % 3]!,
      smooth: [10, 1, 30][trial % 3]!,
      perGroup: [100, 1, 50][trial % 3]!,
      catL2: [10, 0, 3][trial % 3]!,
    };
    const dir = searchLikeLightGbm(slot, q, { g, h, miss, bins, rows }, trial);
    if (dir !== undefined) splits++;
    if (dir === -1) fromEnd++;
  }
  ws.k.setCategoryParams(-1, 0, 0);
  assert.ok(splits > 300 && fromEnd > 30, `${splits} splits, ${fromEnd} from the high end`);
});

Deno.test("with cat_smooth, categories of equal smoothed keys at either end keep category order (the ends picked without a full sort are the full sort's)", () => {
  const rng = new Rng(12), slot = wideSlot(1024), ws = slot.ws;
  const p = { lambda: 1, alpha: 0, max_delta_step: 0, min_child_weight: 1e-3 };
  // A few (g, h) pairs for every category: most keys are exact ties.
  const palette: Array<[number, number]> = [[-6, 20], [-6, 20], [5, 15], [0, 10], [9, 30], [-2, 5]];
  let splits = 0, fromEnd = 0;
  for (let trial = 0; trial < 300; trial++) {
    const nb = [100, 1000][trial % 2]!, maxCat = [4, 8, 32][trial % 3]!;
    const bins = Array.from({ length: nb }, () => palette[Math.floor(rng.next() * 6)]!);
    const miss: [number, number] = [0, 0];
    const g = bins.reduce((a, b) => a + b[0], 0), h = bins.reduce((a, b) => a + b[1], 0);
    const q = {
      ...p,
      maxCat,
      smooth: 10,
      perGroup: [1, 20][trial % 2]!,
      catL2: [0, 10][trial % 2]!,
    };
    const dir = searchLikeLightGbm(slot, q, { g, h, miss, bins, rows: 4 * h }, trial);
    if (dir !== undefined) splits++;
    if (dir === -1) fromEnd++;
  }
  ws.k.setCategoryParams(-1, 0, 0);
  assert.ok(splits > 150 && fromEnd > 20, `${splits} splits, ${fromEnd} from the high end`);
});
