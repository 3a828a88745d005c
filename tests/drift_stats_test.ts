import assert from "node:assert/strict";
import { chiSquare, chiSquareTwoSample } from "../lib/drift/chi_square.ts";
import { jensenShannon, wassersteinNormalized } from "../lib/drift/distances.ts";
import { ks2samp } from "../lib/drift/ks.ts";
import { finiteSorted } from "../lib/drift/_sorted.ts";
import { psiCategorical, psiContinuous, psiLabel } from "../lib/drift/psi.ts";
import { adjustPValues, severityFromP } from "../lib/drift/severity.ts";
import { Rng } from "../lib/util/rng.ts";
import { assertClose } from "./helpers/assert_close.ts";
import { runPython } from "./helpers/python.ts";

const rng = new Rng(2026);
const sample = (n: number, shift: number, ties: boolean) =>
  Array.from(
    { length: n },
    () => (ties ? Math.round((rng.normal() + shift) * 4) / 4 : rng.normal() + shift),
  );

// Sizes 5 to 100,000, with and without ties, equal and unequal sizes, exact and asymptotic.
const KS_CASES = ([
  [5, 5, 0.5, true],
  [5, 8, 1, false],
  [12, 40, 0.3, true],
  [100, 100, 0.1, false],
  [100, 100, 0.6, true],
  [500, 800, 0.05, true],
  [1000, 1000, 0.15, false],
  [3000, 2000, 0.05, true],
  [10_000, 9_000, 0.03, true],
  [10_000, 10_000, 0.02, false],
  [10_001, 4_000, 0.03, true],
  [30_000, 20_000, 0.01, true],
  [100_000, 100_000, 0.005, false],
  [100_000, 50_000, 0.03, true],
  [60_000, 5, 0.5, false],
] as const).map(([n1, n2, s, t]) => [sample(n1, 0, t), sample(n2, s, t)] as const);

Deno.test("ks2samp equals scipy.stats.ks_2samp (statistic and p-value, rtol 1e-9), sizes 5 to 100,000 with ties", async () => {
  const ref = await runPython<Array<[number, number]>>(
    `
import numpy as np
from scipy.stats import ks_2samp
out = [[float(r.statistic), float(r.pvalue)] for r in (ks_2samp(np.array(a), np.array(b)) for a, b in data)]
`,
    KS_CASES,
  );
  KS_CASES.forEach(([a, b], i) => {
    const r = ks2samp(a, b);
    const what = `case ${i} (${a.length} vs ${b.length}, ${r.method})`;
    assertClose(r.statistic, ref[i]![0], 1e-12, 0, `${what} statistic`);
    assertClose(r.pValue, ref[i]![1], 1e-9, 1e-300, `${what} p-value`);
  });
});

const CHI_CASES =
  ([[5, 6, 3], [50, 40, 4], [1000, 800, 6], [20_000, 15_000, 24], [100_000, 100_000, 2], [
    100_000,
    90_000,
    60,
  ]] as const)
    .map(([n1, n2, k]) => {
      const a = Array.from({ length: n1 }, () => Math.floor(rng.next() ** 1.3 * k));
      const b = Array.from({ length: n2 }, () => Math.floor(rng.next() ** 1.25 * k));
      // Every current category must be a reference category for scipy's sums to agree.
      const seen = new Set(a);
      return [a, b.map((v) => (seen.has(v) ? v : a[0]!))] as const;
    });

Deno.test("chiSquare equals scipy.stats.chisquare(observed, expected) (rtol 1e-9)", async () => {
  const ref = await runPython<Array<[number, number]>>(
    `
import numpy as np
from scipy.stats import chisquare
out = []
for a, b in data:
    cats = sorted(set(a))
    ra = np.array([a.count(c) for c in cats], dtype=float)
    ob = np.array([b.count(c) for c in cats], dtype=float)
    r = chisquare(ob, ra / ra.sum() * ob.sum())
    out.append([float(r.statistic), float(r.pvalue)])
`,
    CHI_CASES,
  );
  CHI_CASES.forEach(([a, b], i) => {
    const r = chiSquare(a, b);
    assertClose(r.statistic, ref[i]![0], 1e-9, 0, `case ${i} statistic`);
    assertClose(r.pValue, ref[i]![1], 1e-9, 1e-300, `case ${i} p-value`);
  });
});

Deno.test("chiSquare reports categories the reference never saw", () => {
  const r = chiSquare([1, 1, 2, 2], [1, 2, 3, 3, 4]);
  assert.deepEqual(r.unseen, { "3": 2, "4": 1 });
  assert.equal(r.dof, 1);
});

Deno.test("PSI equals a direct numpy computation of the definition (atol 1e-12)", async () => {
  const cases = [
    [sample(1000, 0, false), sample(1200, 0.3, false)],
    [sample(500, 0, true), sample(700, 0.5, true)], // ties: duplicate deciles merge
    [
      Array.from({ length: 300 }, (_, i) => i % 3),
      Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 9 : i % 3)),
    ],
  ];
  const ref = await runPython<number[]>(
    `
import numpy as np
out = []
for a, b in data:
    a = np.array(a); b = np.array(b)
    edges = np.unique(np.quantile(a, np.linspace(0, 1, 11)[1:-1]))
    bins = np.concatenate([[-np.inf], edges, [np.inf]])
    ra = np.histogram(a, bins)[0] / len(a)
    cb = np.histogram(b, bins)[0] / len(b)
    ra = np.where(ra == 0, 1e-4, ra); cb = np.where(cb == 0, 1e-4, cb)
    out.append(float(np.sum((cb - ra) * np.log(cb / ra))))
`,
    cases,
  );
  cases.forEach(([a, b], i) =>
    assertClose(psiContinuous(a!, b!).psi, ref[i]!, 0, 1e-12, `case ${i}`)
  );
});

Deno.test("categorical PSI uses categories as bins, empty shares as 1e-4; labels at 0.1 and 0.2", () => {
  const r = psiCategorical(["a", "a", "b", "b"], ["a", "b", "b", "c"]);
  const expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) + 0 + (0.25 - 1e-4) * Math.log(0.25 / 1e-4);
  assertClose(r.psi, expected, 1e-15);
  assert.deepEqual([psiLabel(0.0999), psiLabel(0.1), psiLabel(0.1999), psiLabel(0.2)], [
    "none",
    "minor",
    "minor",
    "major",
  ]);
});

Deno.test("severity boundaries are exact at α, α/10 and α/100", () => {
  const a = 0.05;
  assert.equal(severityFromP(a, a), "none");
  assert.equal(severityFromP(a * (1 - 1e-15), a), "low");
  assert.equal(severityFromP(a / 10, a), "low");
  assert.equal(severityFromP(a / 10 * (1 - 1e-15), a), "medium");
  assert.equal(severityFromP(a / 100, a), "medium");
  assert.equal(severityFromP(a / 100 * (1 - 1e-15), a), "high");
  assert.equal(severityFromP(1, a), "none");
});

Deno.test("Bonferroni and Benjamini–Hochberg match scipy; distances match scipy", async () => {
  const p = [0.01, 0.04, 0.03, 0.2, 0.001, 0.5];
  const u = sample(700, 0, false), v = sample(900, 0.4, false);
  const ref = await runPython<{ bh: number[]; w: number; js: number }>(
    `
import numpy as np
from scipy.stats import false_discovery_control, wasserstein_distance
from scipy.spatial.distance import jensenshannon
u = np.array(data["u"]); v = np.array(data["v"])
out = {"bh": false_discovery_control(data["p"]).tolist(),
       "w": float(wasserstein_distance(u, v) / np.std(u)),
       "js": float(jensenshannon([1, 2, 3, 0], [2, 2, 1, 1]))}
`,
    { p, u, v },
  );
  adjustPValues(p, "bh").forEach((x, i) => assertClose(x, ref.bh[i]!, 1e-12, 0, `bh ${i}`));
  assert.deepEqual(adjustPValues(p, "bonferroni"), p.map((x) => Math.min(1, x * 6)));
  assertClose(wassersteinNormalized(u, v), ref.w, 1e-12, 0, "wasserstein");
  assertClose(jensenShannon([1, 2, 3, 0], [2, 2, 1, 1]), ref.js, 1e-12, 0, "jensen-shannon");
});

Deno.test("the two-sample chi-square equals scipy.stats.chi2_contingency (Yates at dof 1), rtol 1e-9", async () => {
  const cases = [
    [
      Array.from({ length: 400 }, () => (rng.next() < 0.3 ? 1 : 0)),
      Array.from({ length: 300 }, () => (rng.next() < 0.36 ? 1 : 0)),
    ],
    [
      Array.from({ length: 2000 }, () => Math.floor(rng.next() ** 1.4 * 24)),
      Array.from({ length: 1500 }, () => Math.floor(rng.next() ** 1.3 * 24)),
    ],
    [
      Array.from({ length: 50 }, () => Math.floor(rng.next() * 5)),
      Array.from({ length: 60 }, () => Math.floor(rng.next() * 6)),
    ],
  ];
  const ref = await runPython<Array<[number, number]>>(
    `
import numpy as np
from scipy.stats import chi2_contingency
out = []
for a, b in data:
    cats = sorted(set(a) | set(b), key=str)
    t = np.array([[a.count(c) for c in cats], [b.count(c) for c in cats]])
    r = chi2_contingency(t)
    out.append([float(r.statistic), float(r.pvalue)])
`,
    cases,
  );
  cases.forEach(([a, b], i) => {
    const r = chiSquareTwoSample(a!, b!);
    assertClose(r.statistic, ref[i]![0], 1e-9, 0, `case ${i} statistic`);
    assertClose(r.pValue, ref[i]![1], 1e-9, 1e-300, `case ${i} p-value`);
  });
});

Deno.test("the radix sort of large samples gives exactly the built-in order: signs, zeros, infinities, denormals, ties", () => {
  const rng = new Rng(3);
  const special = [-0, 0, Infinity, -Infinity, 5e-324, -5e-324, 1.7976931348623157e308, -1e-310];
  const x = Float64Array.from(
    { length: 200_003 },
    (_, i) =>
      i % 101 === 0
        ? NaN
        : i % 17 === 0
        ? special[i % special.length]!
        : Math.round(rng.normal() * 100) / 100 * 10 ** (i % 7 - 3),
  );
  const want = Float64Array.from(x.filter((v) => !Number.isNaN(v))).sort();
  const got = finiteSorted(x);
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `at ${i}`);
});
