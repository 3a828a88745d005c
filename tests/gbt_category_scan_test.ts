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

Deno.test("the WASM categorical partition scan is XGBoost's, up to 3,000 categories in wide slots, ties kept in category order", () => {
  const ws = new Workspace(), rng = new Rng(5), cap = 3072, nf = 2;
  // Feature 0 an ordinary 4 KiB slot (unused here); feature 1 a wide slot after it.
  const hist = ws.alloc(nf * 4096 + cap * 16), counts = ws.alloc(4 * nf), feats = ws.alloc(4);
  const slots = ws.alloc(8 * nf), flags = ws.alloc(nf), out = ws.alloc(80 + cap / 8 + 24 * cap);
  ws.i32(slots, 2 * nf).set([0, 255 * 16, nf * 4096, (cap - 1) * 16]);
  ws.u8(flags, nf).set([0, 1]);
  ws.i32(feats, 1).set([1]);
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
    const v = ws.f64(nf * 4096 + hist, cap * 2).fill(0);
    bins.forEach(([bg, bh], c) => v.set([bg, bh], 2 * c));
    v.set(miss, 2 * (cap - 1));
    ws.i32(counts, nf).set([1, nb]);
    const maxCat = [64, 8, 2000][trial % 3]!;
    ws.k.setGainParams(p.lambda, p.alpha, p.max_delta_step, p.min_child_weight);
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
      0,
      maxCat,
      slots,
      cap,
    );
    const got = ws.f64(out, 10), want = referencePartition({ ...p, maxCat }, { g, h, miss, bins });
    assert.equal(got[8], want ? 1 : 0, `trial ${trial}: found`);
    if (!want) continue;
    splits++;
    if (want.set.length > 64) big++;
    assert.deepEqual([got[0], got[3], ...got.subarray(4, 8)], want.words, `trial ${trial}`);
    const bits = ws.u8(out + 80, cap / 8), set: number[] = [];
    for (let c = 0; c < cap; c++) if ((bits[c >> 3]! >> (c & 7)) & 1) set.push(c);
    assert.deepEqual(set, want.set, `trial ${trial}: the categories going right`);
  }
  assert.ok(splits > 300 && big > 50, `${splits} splits, ${big} sets above 64 categories`);
});
