/**
 * A categorical split's category set written to the workspace and read back: the same categories,
 * ascending, for sets of every density (empty, a few, dense, every bit) and capacities of 256 to
 * 1,280 bits.
 */

import assert from "node:assert/strict";
import { categoriesAt, placeCategorySet } from "../lib/models/gbt/category_sets.ts";
import { Workspace } from "../lib/models/gbt/kernel/workspace.ts";
import { Rng } from "../lib/util/rng.ts";

Deno.test("a category set reads back as the categories placed, at every density", () => {
  const ws = new Workspace({ shared: false }), rng = new Rng(31);
  for (let trial = 0; trial < 400; trial++) {
    const capacity = 256 * (1 + (trial % 5));
    // Densities from empty to every category (whole words of set bits).
    const share = [0, 0.01, 0.3, 0.9, 1][trial % 5]!;
    const categories = Int32Array.from({ length: capacity }, (_, c) => c)
      .filter(() => rng.next() < share);
    const at = placeCategorySet(ws, categories, capacity);
    assert.deepEqual(categoriesAt(ws, at, capacity), categories, `trial ${trial}`);
  }
});

Deno.test("a set's top category of a 1,280-bit capacity reads back alone", () => {
  const ws = new Workspace({ shared: false });
  const at = placeCategorySet(ws, Int32Array.of(1279), 1280);
  assert.deepEqual(categoriesAt(ws, at, 1280), Int32Array.of(1279));
});
