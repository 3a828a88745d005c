// Exact path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2) over a forest laid out by
// `placeForest` (leaves loop to themselves; node indices are global) plus a cover per node (f64).
// Per row: phi[f] += contributions of every tree; the caller writes the bias column. Zero
// fractions are child cover / (left cover + right cover), so that contributions sum to the
// margin exactly even when stored covers are rounded (XGBoost divides by the parent's cover).
//
// The unique path is an array of 32-byte elements (zero f64, one f64, weight f64, feature i32);
// each recursion level copies its parent's elements after them with one memory.copy. Divisions by
// small integers go through a table of reciprocals (1/k) at the start of the scratch.

import { goesLeft } from "./categories";

const EL: usize = 32;

let gx: usize = 0; // the row (f32 values)
let gphi: usize = 0; // the row's contributions (f64)
let gFeature: usize = 0;
let gThreshold: usize = 0;
let gLeft: usize = 0;
let gRight: usize = 0;
let gDefault: usize = 0;
let gValue: usize = 0;
let gCover: usize = 0;
let gPath: usize = 0;
let gInv: usize = 0; // f64 reciprocals: inv(k) = 1 / k

@inline function inv(k: i32): f64 { return load<f64>(gInv + (<usize>k << 3)); }

@inline function el(i: i32): usize { return gPath + <usize>i * EL; }
@inline function ze(i: i32): f64 { return load<f64>(el(i)); }
@inline function on(i: i32): f64 { return load<f64>(el(i), 8); }
@inline function we(i: i32): f64 { return load<f64>(el(i), 16); }
@inline function fe(i: i32): i32 { return load<i32>(el(i), 24); }
@inline function setW(i: i32, v: f64): void { store<f64>(el(i), v, 16); }

/**
 * Adds each row's TreeSHAP contributions to out[row * (nfeat + 1) + feature]. `scratch` holds
 * `depth + 2` reciprocals (f64) and then the path: `(depth + 4)(depth + 5) / 2` elements of 32
 * bytes, for trees of at most `depth` levels.
 */
export function treeShap(
  x: usize, nfeat: i32, n: i32, roots: usize, ntrees: i32,
  feature: usize, threshold: usize, left: usize, right: usize, defaultLeft: usize, value: usize,
  cover: usize, scratch: usize, depth: i32, out: usize,
): void {
  gFeature = feature; gThreshold = threshold; gLeft = left; gRight = right;
  gDefault = defaultLeft; gValue = value; gCover = cover;
  gInv = scratch;
  for (let k = 1; k <= depth + 1; k++) store<f64>(scratch + (<usize>k << 3), 1.0 / <f64>k);
  const path = scratch + ((<usize>(depth + 2) << 3) + 31 & ~31);
  gPath = path;
  store<f64>(path, 1.0); // the root's parent element (never read as a feature)
  store<f64>(path, 1.0, 8);
  store<f64>(path, 1.0, 16);
  store<i32>(path, -1, 24);
  for (let i = 0; i < n; i++) {
    gx = x + (<usize>i * <usize>nfeat << 2);
    gphi = out + (<usize>i * <usize>(nfeat + 1) << 3);
    for (let t = 0; t < ntrees; t++) {
      const root = load<i32>(roots + (<usize>t << 2));
      if (load<i32>(left + (<usize>root << 2)) == root) continue; // a single leaf: bias only
      recurse(root, 0, 0, 1.0, 1.0, -1);
    }
  }
}

function recurse(node: i32, depth: i32, parent: i32, zero: f64, one: f64, feat: i32): void {
  const at = parent + depth + 1;
  memory.copy(el(at), el(parent), <usize>(depth + 1) * EL);
  extend(at, depth, zero, one, feat);
  const l = load<i32>(gLeft + (<usize>node << 2));
  if (l == node) {
    const v = load<f64>(gValue + (<usize>node << 3));
    for (let i = 1; i <= depth; i++) {
      const u = unwoundSum(at, depth, i);
      const p = gphi + (<usize>fe(at + i) << 3);
      store<f64>(p, load<f64>(p) + u * (on(at + i) - ze(at + i)) * v);
    }
    return;
  }
  const f = load<i32>(gFeature + (<usize>node << 2));
  const r = load<i32>(gRight + (<usize>node << 2));
  const xv = load<f32>(gx + (<usize>f << 2));
  const goLeft = goesLeft(xv, load<u8>(gDefault + <usize>node), gThreshold + (<usize>node << 2));
  const hot = goLeft ? l : r, cold = goLeft ? r : l;
  const ch = load<f64>(gCover + (<usize>hot << 3)), cc = load<f64>(gCover + (<usize>cold << 3));
  const total = ch + cc;
  let inZero = 1.0, inOne = 1.0;
  let d = depth;
  let k = 0;
  while (k <= d && fe(at + k) != f) k++;
  if (k <= d) {
    inZero = ze(at + k);
    inOne = on(at + k);
    unwind(at, d, k);
    d -= 1;
  }
  recurse(hot, d + 1, at, (ch / total) * inZero, inOne, f);
  recurse(cold, d + 1, at, (cc / total) * inZero, 0.0, f);
}

function extend(at: i32, d: i32, zero: f64, one: f64, feat: i32): void {
  const e = el(at + d);
  store<f64>(e, zero);
  store<f64>(e, one, 8);
  store<f64>(e, d == 0 ? 1.0 : 0.0, 16);
  store<i32>(e, feat, 24);
  const r = inv(d + 1), oneR = one * r, zeroR = zero * r;
  for (let i = d - 1; i >= 0; i--) {
    const wi = we(at + i);
    setW(at + i + 1, we(at + i + 1) + oneR * wi * <f64>(i + 1));
    setW(at + i, zeroR * wi * <f64>(d - i));
  }
}

function unwind(at: i32, d: i32, index: i32): void {
  const one = on(at + index), zero = ze(at + index), dn = <f64>(d + 1);
  let next = we(at + d);
  if (one != 0.0) {
    const a = dn / one, b = zero * inv(d + 1);
    for (let i = d - 1; i >= 0; i--) {
      const tmp = we(at + i);
      const wi = next * a * inv(i + 1);
      setW(at + i, wi);
      next = tmp - wi * b * <f64>(d - i);
    }
  } else {
    const a = dn / zero;
    for (let i = d - 1; i >= 0; i--) setW(at + i, we(at + i) * a * inv(d - i));
  }
  for (let i = index; i < d; i++) {
    // Shift the later elements down, keeping each one's (already unwound) weight in place.
    const w = we(at + i);
    memory.copy(el(at + i), el(at + i + 1), EL);
    setW(at + i, w);
  }
}

function unwoundSum(at: i32, d: i32, index: i32): f64 {
  const one = on(at + index), zero = ze(at + index), dn = <f64>(d + 1);
  let next = we(at + d), total = 0.0;
  if (one != 0.0) {
    const a = dn / one, b = zero * inv(d + 1);
    for (let i = d - 1; i >= 0; i--) {
      const tmp = next * a * inv(i + 1);
      total += tmp;
      next = we(at + i) - tmp * b * <f64>(d - i);
    }
  } else if (zero != 0.0) {
    const a = dn / zero;
    for (let i = d - 1; i >= 0; i--) total += we(at + i) * a * inv(d - i);
  }
  return total;
}
