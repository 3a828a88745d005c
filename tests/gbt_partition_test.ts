/**
 * The WASM `partition` kernel against a direct stable partition in TypeScript: numeric splits
 * (with and without a bitmap of missing rows), categorical sets over u8 bins and over a wide
 * feature's u16 codes, for every node length from 0 to 40 (the kernel goes four rows at a time)
 * and longer ones, at several node starts, in both kernel builds.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Workspace } from "../lib/models/gbt/kernel/workspace.ts";
import { Rng } from "../lib/util/rng.ts";

const N = 4000, MISSING = 255, WIDE_MISSING = 1000;

type Split =
  | { kind: "numeric"; splitBin: number; defaultLeft: boolean; bits: boolean }
  | { kind: "u8"; defaultLeft: boolean }
  | { kind: "u16"; defaultLeft: boolean };

/** The rows of one node: an ascending random subset of [0, N), as a stable partition keeps them. */
function nodeRows(rng: Rng, length: number): number[] {
  const picked = new Set<number>();
  while (picked.size < length) picked.add(rng.int(N));
  return [...picked].sort((a, b) => a - b);
}

Deno.test("the WASM partition is a stable partition: numeric, missing bitmaps, u8 and u16 category sets, every length to 40", () => {
  for (const shared of [false, true]) {
    const ws = new Workspace({ shared }), rng = new Rng(77);
    const col8 = ws.alloc(N), col16 = ws.alloc(2 * N), bits = ws.alloc(N / 8);
    const cats = ws.alloc(4 * 32), rows = ws.alloc(4 * (N + 8)), scratch = ws.alloc(4 * (N + 8));
    const result = ws.alloc(16);
    const b8 = ws.u8(col8, N), b16 = ws.u16(col16, N), set = ws.i32(cats, 32);
    for (let r = 0; r < N; r++) {
      b8[r] = rng.next() < 0.1 ? MISSING : rng.int(MISSING);
      b16[r] = rng.next() < 0.1 ? WIDE_MISSING : rng.int(WIDE_MISSING);
    }
    const missingBit = new Uint8Array(N).map(() => rng.next() < 0.5 ? 1 : 0);
    const words = ws.i32(bits, N / 32);
    for (let r = 0; r < N; r++) words[r >> 5] = words[r >> 5]! | (missingBit[r]! << (r & 31));
    for (let w = 0; w < 32; w++) set[w] = rng.nextUint32() | 0;
    const inSet = (c: number) => ((set[c >> 5]! >>> (c & 31)) & 1) === 1;
    const goesLeft = (s: Split, r: number): boolean => {
      if (s.kind === "u16") return b16[r] === WIDE_MISSING ? s.defaultLeft : !inSet(b16[r]!);
      const b = b8[r]!;
      if (s.kind === "u8") return b === MISSING ? s.defaultLeft : !inSet(b);
      const missing = b === MISSING && (!s.bits || missingBit[r] === 1);
      return missing ? s.defaultLeft : b <= s.splitBin;
    };
    const lengths = [...Array.from({ length: 41 }, (_, i) => i), 97, 1000, N - 8];
    for (const length of lengths) {
      for (const start of [0, 1, 3, 6]) {
        for (const kind of ["numeric", "u8", "u16"] as const) {
          const defaultLeft = rng.next() < 0.5;
          const s: Split = kind === "numeric"
            ? { kind, splitBin: rng.int(256), defaultLeft, bits: rng.next() < 0.5 }
            : { kind, defaultLeft };
          const node = nodeRows(rng, Math.min(length, N - start));
          const all = ws.i32(rows, N + 8), end = start + node.length;
          all.fill(-7).set(node, start);
          ws.i32(scratch, N + 8).fill(-9);
          ws.k.partition(
            kind === "u16" ? col16 : col8,
            rows,
            start,
            end,
            s.kind === "numeric" ? s.splitBin : 0,
            defaultLeft ? 1 : 0,
            scratch + 4 * start,
            result,
            kind === "numeric" ? 0 : cats,
            kind === "u16" ? WIDE_MISSING : 0,
            s.kind === "numeric" && s.bits ? bits : 0,
          );
          const left = node.filter((r) => goesLeft(s, r)),
            right = node.filter((r) => !goesLeft(s, r));
          const what = `${shared ? "shared" : "unshared"} ${
            JSON.stringify(s)
          } rows [${start}, ${end})`;
          assert.equal(ws.i32(result, 1)[0], left.length, `left count, ${what}`);
          const after = ws.i32(rows, N + 8);
          assert.deepEqual([...after.subarray(start, end)], [...left, ...right], `order, ${what}`);
          assert.ok(
            after.subarray(0, start).every((v) => v === -7),
            `rows before the node, ${what}`,
          );
          assert.ok(after.subarray(end).every((v) => v === -7), `rows after the node, ${what}`);
          const spare = ws.i32(scratch, N + 8);
          assert.ok(spare.subarray(0, start).every((v) => v === -9), `scratch before, ${what}`);
          assert.ok(spare.subarray(end).every((v) => v === -9), `scratch past the node, ${what}`);
        }
      }
    }
  }
});
