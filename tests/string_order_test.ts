import assert from "node:assert/strict";
import { sortedOrder, StringPile } from "../lib/util/string_order.ts";

/** A seeded uniform [0, 1) stream (Park–Miller). */
function uniform(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** The built-in sort's order of `s` (equal strings by index), and which equal the one before. */
function reference(s: readonly string[]): { order: number[]; repeats: number[] } {
  const order = Array.from(s.keys()).sort((
    x,
    y,
  ) => (s[x]! < s[y]! ? -1 : s[x]! > s[y]! ? 1 : x - y));
  return { order, repeats: order.map((i, k) => (k > 0 && s[order[k - 1]!] === s[i] ? 1 : 0)) };
}

function pileOf(s: readonly string[]): StringPile {
  const p = new StringPile();
  for (const t of s) p.push(t);
  return p;
}

Deno.test("strings sort as the built-in sort orders them, equal ones by index and marked", () => {
  const rnd = uniform(9);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  // Units of every width: NUL, ASCII, Latin-1, BMP, surrogate pairs (astral), U+FFFF.
  const alphabets = [["0", "1", "9"], ["a", "b", "z", "_"], ["\u0000", "é", "€", "😀", "\uffff"]];
  for (let trial = 0; trial < 400; trial++) {
    const alphabet = pick(alphabets), prefix = pick(["", "card_", "features:card:"]);
    const maxLen = pick([0, 2, 6, 30]), n = 1 + Math.floor(rnd() * 400);
    const s = Array.from(
      { length: n },
      () =>
        prefix +
        Array.from({ length: Math.floor(rnd() * (maxLen + 1)) }, () => pick(alphabet)).join(""),
    );
    const got = sortedOrder(pileOf(s)), want = reference(s);
    assert.deepEqual(Array.from(got.order), want.order, `trial ${trial}: ${JSON.stringify(s)}`);
    assert.deepEqual(Array.from(got.repeats), want.repeats, `trial ${trial}: repeats`);
  }
  assert.deepEqual(Array.from(sortedOrder(new StringPile()).order), []);
});

Deno.test("a million entity ids sort as the built-in sort orders them", () => {
  const rnd = uniform(3), n = 1_000_000;
  const s = Array.from({ length: n }, (_, i) => `card_${String(i).padStart(6, "0")}`);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  s.push(s[17]!, "card_1000000"); // a duplicate, and one longer than the rest
  const got = sortedOrder(pileOf(s)), want = reference(s);
  assert.deepEqual(Array.from(got.order), want.order);
  assert.deepEqual(Array.from(got.repeats), want.repeats);
});

Deno.test("piles joined hold the same strings as one pile of them all", () => {
  const a = ["card_2", "é😀", ""], b = ["card_10", "card_2", "x".repeat(70_000)];
  const joined = pileOf(a);
  joined.pushAll(pileOf(b));
  const all = [...a, ...b];
  assert.equal(joined.count, all.length);
  const got = sortedOrder(joined), want = reference(all);
  assert.deepEqual(Array.from(got.order), want.order);
  assert.deepEqual(Array.from(got.repeats), want.repeats);
  all.forEach((s, i) => {
    const units = Array.from(joined.units.subarray(joined.start(i), joined.ends[i]!));
    assert.deepEqual(
      units,
      Array.from({ length: s.length }, (_, c) => s.charCodeAt(c)),
      `string ${i}`,
    );
  });
});
