/**
 * Numeric assertions with stated tolerances.
 *
 * @module
 */

import assert from "node:assert/strict";

/** Asserts |actual − expected| ≤ atol + rtol·|expected| (NaN equals NaN). */
export function assertClose(
  actual: number,
  expected: number,
  rtol = 1e-12,
  atol = 0,
  what = "",
): void {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return;
  const diff = Math.abs(actual - expected);
  assert.ok(
    diff <= atol + rtol * Math.abs(expected),
    `${what} expected ${expected} but got ${actual} (diff ${diff}, rtol ${rtol}, atol ${atol})`,
  );
}
