/**
 * The survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, computed
 * with the algorithm selection of Simard & L'Ecuyer (2011) as scipy's `kstwo.sf` does: the
 * Ruben–Gambino closed forms at the ends, Durbin's matrix (Marsaglia–Tsang–Wang), Pomeranz's
 * recursion, the Pelz–Good approximation, and the exact one-sided Smirnov sum in the tail.
 *
 * @module
 */

const E128 = 128;
const P128 = 2 ** 128;
const M128 = 2 ** -128;
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI ** 2, PI4 = Math.PI ** 4, PI6 = Math.PI ** 6;
const STIRLING = [
  -2.955065359477124183e-2,
  6.4102564102564102564e-3,
  -1.9175269175269175269e-3,
  8.4175084175084175084e-4,
  -5.952380952380952381e-4,
  7.9365079365079365079e-4,
  -2.7777777777777777778e-3,
  8.3333333333333333333e-2,
];

const clip = (p: number) => Math.min(1, Math.max(0, p));

/** P(D_n > x): the survival function of the two-sided KS statistic for sample size n. */
export function kolmogornSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPow(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clip(1 - durbinCdf(n, x));
    if (nxx <= 4) return clip(1 - pomeranzCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxx >= 18) cdf = 1;
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdf = durbinCdf(n, x);
  else cdf = pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

/** log(n! / n^n) by Stirling's series. */
function logFactorialOverPow(n: number): number {
  const rn = 1 / n, u = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * u + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/**
 * Exact one-sided Smirnov survival P(D+_n ≥ x), by the Birnbaum–Tingey sum
 * x Σ_v C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v), terms in log space.
 */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const nn = Math.floor(n * (1 - x));
  // log C(n, v) built up term by term: its error grows like v·ε, and the sum ends long before v
  // is large (lgamma differences would cost about lgamma(n)·ε, 1e-9 relative at n = 500,000).
  let logC = 0;
  let sum = 0, peak = -Infinity;
  for (let v = 0; v <= nn; v++) {
    if (v > 0) logC += Math.log((n - v + 1) / v);
    const a = x + v / n;
    const b = 1 - a;
    if (b <= 0) break;
    const logTerm = logC + (v - 1) * Math.log(a) + (n - v) * Math.log1p(-a);
    const term = Math.exp(logTerm);
    if (logTerm > peak) peak = logTerm;
    else if (term < sum * 1e-18) break; // past the peak (terms are unimodal) and negligible
    sum += term;
  }
  return sum * x;
}

/** Durbin's matrix algorithm (Marsaglia, Tsang & Wang 2003) for P(D_n ≤ d). */
function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd), h = k - nd, m = 2 * k - 1;
  let H: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m), w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;
  let P: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let expnt = 0, hExpnt = 0, nn = n;
  while (nn > 0) {
    if (nn % 2) {
      P = matmul(P, H, m);
      expnt += hExpnt;
    }
    H = matmul(H, H, m);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + k - 1]!) > P128) {
      for (let i = 0; i < H.length; i++) H[i] = H[i]! / P128;
      hExpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + k - 1]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < M128) {
      p *= P128;
      expnt -= E128;
    }
  }
  return p * 2 ** expnt;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] = out[i * m + j]! + aik * b[k * m + j]!;
    }
  }
  return out;
}

function pomeranzBounds(
  i: number,
  n: number,
  { ll, ceilf, roundf }: { ll: number; ceilf: number; roundf: number },
): [number, number] {
  let j1: number, j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2), odd = (i + 1) % 2;
    if (odd === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pomeranz's recursion (1974) for P(D_n ≤ x). */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x, ll = Math.floor(t), f = t - ll, g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0, roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gp = new Float64Array(npwrs), tgp = new Float64Array(npwrs), omp = new Float64Array(npwrs);
  gp[0] = tgp[0] = omp[0] = 1;
  const a = g / n, b = (2 * g) / n, c = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gp[m] = (gp[m - 1]! * a) / m;
    tgp[m] = (tgp[m - 1]! * b) / m;
    omp[m] = (omp[m - 1]! * c) / m;
  }
  let V0: Float64Array = new Float64Array(npwrs), V1: Float64Array = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0, V1s = 0, expnt = 0;
  const bounds = { ll, ceilf, roundf };
  let [j1, j2] = pomeranzBounds(0, n, bounds);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, bounds);
    const pw = i === 1 || i === 2 * n + 1 ? gp : i % 2 ? tgp : omp;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const convStart = j1 - k1, convLen = j2 - j1 + 1;
      let max = 0;
      for (let q = 0; q < convLen; q++) {
        // (V0[k1−V0s …] ⊛ pw)[convStart + q]
        const idx = convStart + q;
        let s = 0;
        for (let r = 0; r <= idx; r++) {
          const ai = k1 - V0s + r, bi = idx - r;
          if (r >= ln2 || bi >= ln2 || ai < 0 || ai >= npwrs || bi >= npwrs) continue;
          s += V0[ai]! * pw[bi]!;
        }
        V1[q] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < M128) {
        for (let q = 0; q < convLen; q++) V1[q] = V1[q]! * P128;
        expnt -= E128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > P128) {
      ans *= M128;
      expnt += E128;
    }
    ans *= m;
  }
  return ans * 2 ** expnt;
}

/** The Pelz–Good (1976) approximation to P(D_n ≤ x). */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2, k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4, k2b = ((2 * z4 - 5 * z2) * PI2) / 4, k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64, k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4, k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const qp = q ** (8 * k);
    const coeffs = [
      1,
      k1a + k1b * m2,
      k2a + k2b * m2 + k2c * m4,
      k3a + k3b * m2 + k3c * m4 + k3d * m6,
    ];
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qp + coeffs[i]!;
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT_2PI) / div[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0, k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k, qk = q ** k2, kpi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K[2] = K[2]! + k2extra * ((PI2 * SQRT_2PI) / (-36 * z3));
  K[3] = K[3]! + k3extra * ((PI2 * SQRT_2PI) / (216 * z6));
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i]! / n ** (i / 2);
  return sum;
}
