/**
 * The Parquet reader (`parquet-wasm` in workers, `hyparquet` for the footer and the rare nested
 * columns): every Arrow type to its cell or number as the earlier hyparquet-only reader gave it,
 * every codec, several row groups and workers, ISO times equal to `Date#toISOString`, and a file
 * whose pages are corrupt failing as one DataError while the process goes on.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { numericValues, readTable } from "../lib/data/read_table.ts";
import { readParquetColumns, type TextCodes } from "../lib/data/read_parquet.ts";
import { appendIsoTimes } from "../lib/data/_iso_times.ts";
import { Utf8Builder, utf8Cells } from "../lib/data/_utf8_column.ts";
import type { Table } from "../lib/data/table.ts";
import { DataError } from "../lib/errors.ts";
import { runPython } from "./helpers/python.ts";

/** Columns as JSON-able values: `F64` or `cells`, then the values (non-finite numbers as text). */
function shown(table: Table): Record<string, [string, unknown[]]> {
  const out: Record<string, [string, unknown[]]> = {};
  table.names.forEach((name, j) => {
    const c = table.columns[j]!;
    out[name] = [
      c instanceof Float64Array ? "F64" : "cells",
      Array.from(
        c as ArrayLike<unknown>,
        (v) =>
          typeof v === "bigint" || (typeof v === "number" && !Number.isFinite(v)) ? String(v) : v,
      ),
    ];
  });
  return out;
}

const TYPES = `
import datetime as dt, decimal, pyarrow as pa, pyarrow.parquet as pq
t = pa.table({
 "s": pa.array(["a", "b", None, "é", "x"]),
 "ls": pa.array(["a", "b", None, "d", "e"], pa.large_string()),
 "cat": pa.array(["x", "y", "x", None, "y"]).dictionary_encode(),
 "ts_us": pa.array([dt.datetime(2024, 1, 1, 12, 0, 0, 123456), None, dt.datetime(1960, 1, 1),
                    dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 3)], pa.timestamp("us")),
 "ts_ms_tz": pa.array([0, 1000, None, 3, 4], pa.timestamp("ms", tz="UTC")),
 "ts_ns": pa.array([-1, -1000001, None, 999999, 1700000000123456789], pa.timestamp("ns")),
 "d32": pa.array([dt.date(2024, 1, 1), None, dt.date(1970, 1, 2), dt.date(2000, 2, 29),
                  dt.date(1900, 1, 1)]),
 "b": pa.array([True, False, None, True, False]),
 "i8": pa.array([1, -2, None, 4, 5], pa.int8()),
 "u64": pa.array([1, 2, None, 2**63 + 5, 5], pa.uint64()),
 "i64": pa.array([1, 2, None, 2**53 + 1, -5], pa.int64()),
 "f32": pa.array([1.5, 2.25, None, float("inf"), float("nan")], pa.float32()),
 "f64": pa.array([1.5, 2.25, None, float("-inf"), float("nan")]),
 "dec": pa.array([decimal.Decimal("1.25"), None, decimal.Decimal("-3.50"), decimal.Decimal("0"),
                  decimal.Decimal("100.01")], pa.decimal128(10, 2)),
 "dnum": pa.array([1.5, 2.5, None, 1.5, 2.5]).dictionary_encode(),
 "bin": pa.array([b"ab", None, b"\\xff", b"", b"z"]),
 "lst": pa.array([[1, 2], None, [], [3], [4, None]]),
 "st": pa.array([{"a": 1, "b": "x"}, None, {"a": None, "b": "y"}, {"a": 3, "b": None},
                 {"a": 4, "b": "z"}]),
 "null": pa.array([None] * 5, pa.null()),
})
for codec in data["codecs"]:
    pq.write_table(t, data["dir"] + "/types_" + codec + ".parquet", compression=codec,
                   row_group_size=2)
flat = t.drop(["bin", "lst", "st"])
for codec in data["codecs"]:
    pq.write_table(flat, data["dir"] + "/flat_" + codec + ".parquet", compression=codec)
# The page kernels' other page layouts: data page v2, plain (no dictionary), and both.
layouts = {"v2": dict(data_page_version="2.0"), "plain": dict(use_dictionary=False),
           "v2plain": dict(data_page_version="2.0", use_dictionary=False)}
for name, how in layouts.items():
    pq.write_table(flat, data["dir"] + "/flat_" + name + ".parquet", row_group_size=2, **how)
out = None
`;

/** What the reader gives for TYPES: strings, ISO times (ms, truncated), numbers, JSON for nested. */
const EXPECTED: Record<string, [string, unknown[]]> = {
  s: ["cells", ["a", "b", null, "é", "x"]],
  ls: ["cells", ["a", "b", null, "d", "e"]],
  cat: ["cells", ["x", "y", "x", null, "y"]],
  ts_us: ["cells", [
    "2024-01-01T12:00:00.123Z",
    null,
    "1960-01-01T00:00:00.000Z",
    "2024-01-02T00:00:00.000Z",
    "2024-01-03T00:00:00.000Z",
  ]],
  ts_ms_tz: ["cells", [
    "1970-01-01T00:00:00.000Z",
    "1970-01-01T00:00:01.000Z",
    null,
    "1970-01-01T00:00:00.003Z",
    "1970-01-01T00:00:00.004Z",
  ]],
  // Toward zero, as BigInt division (hyparquet's rule): -1 ns is 0 ms, -1,000,001 ns is -1 ms.
  ts_ns: ["cells", [
    "1970-01-01T00:00:00.000Z",
    "1969-12-31T23:59:59.999Z",
    null,
    "1970-01-01T00:00:00.000Z",
    "2023-11-14T22:13:20.123Z",
  ]],
  d32: ["cells", [
    "2024-01-01T00:00:00.000Z",
    null,
    "1970-01-02T00:00:00.000Z",
    "2000-02-29T00:00:00.000Z",
    "1900-01-01T00:00:00.000Z",
  ]],
  b: ["F64", [1, 0, "NaN", 1, 0]],
  i8: ["F64", [1, -2, "NaN", 4, 5]],
  u64: ["F64", [1, 2, "NaN", Number(2n ** 63n + 5n), 5]],
  i64: ["F64", [1, 2, "NaN", 2 ** 53, -5]],
  f32: ["F64", [1.5, 2.25, "NaN", "Infinity", "NaN"]],
  f64: ["F64", [1.5, 2.25, "NaN", "-Infinity", "NaN"]],
  dec: ["F64", [1.25, "NaN", -3.5, 0, 100.01]],
  dnum: ["F64", [1.5, 2.5, "NaN", 1.5, 2.5]],
  bin: ["cells", ["ab", null, "\ufffd", "", "z"]],
  lst: ["cells", ['["1","2"]', null, "[]", '["3"]', '["4",null]']],
  st: ["cells", [
    '{"a":"1","b":"x"}',
    null,
    '{"a":null,"b":"y"}',
    '{"a":"3","b":null}',
    '{"a":"4","b":"z"}',
  ]],
  null: ["cells", [null, null, null, null, null]],
};

const CODECS = ["snappy", "zstd", "gzip", "brotli", "lz4", "none"];

Deno.test("Parquet: each Arrow type reads as numbers (NaN = null) or cells as before, over several row groups", async () => {
  const dir = await Deno.makeTempDir();
  await runPython(TYPES, { dir, codecs: CODECS });
  assert.deepEqual(shown(await readTable(join(dir, "types_snappy.parquet"))), EXPECTED);
  assert.deepEqual(shown(await readTable(join(dir, "types_none.parquet"))), EXPECTED);
  const { bin: _b, lst: _l, st: _s, ...flat } = EXPECTED;
  for (const codec of [...CODECS, "v2", "plain", "v2plain"]) {
    const table = await readTable(join(dir, `flat_${codec}.parquet`));
    assert.deepEqual(shown(table), flat, `${codec}: flat columns read with every codec and layout`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Parquet: text coded by the page kernels (dictionary pages, plain pages after a dictionary overflows, nulls) equals coding its strings", async () => {
  const dir = await Deno.makeTempDir();
  await runPython(
    `import numpy as np, pyarrow as pa, pyarrow.parquet as pq
rng = np.random.default_rng(3)
ids = [None if i % 13 == 0 else f"card_{int(k)}" for i, k in enumerate(rng.integers(0, 4000, 30_000))]
t = pa.table({"id": pa.array(ids), "few": pa.array([f"t{i % 7}" for i in range(30_000)])})
for codec in ["snappy", "zstd"]:
    pq.write_table(t, data + "/ids_" + codec + ".parquet", compression=codec, row_group_size=7_000,
                   dictionary_pagesize_limit=4_000, data_page_size=2_000)
out = None`,
    dir,
  );
  const codes = ["id", "few"];
  for (const codec of ["snappy", "zstd"]) {
    const path = join(dir, `ids_${codec}.parquet`);
    const coded = await readParquetColumns(path, { codes });
    const cells = await readTable(path);
    for (const name of codes) {
      const { codes: c, names } = coded.columns.get(name) as TextCodes;
      const want = cells.columns[cells.names.indexOf(name)] as (string | null)[];
      assert.deepEqual(
        Array.from(c, (k) => names[k]),
        want.map((v) => v ?? ""),
        `${codec} ${name}`,
      );
      const firstSeen = [...new Set(want.map((v) => v ?? ""))];
      assert.deepEqual(names, firstSeen, `${codec} ${name}: codes in order of first appearance`);
    }
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Parquet: a file over several workers reads every row group of every column in order", async () => {
  const dir = await Deno.makeTempDir(), path = join(dir, "wide.parquet");
  const sums = await runPython<number[]>(
    `import numpy as np, pyarrow as pa, pyarrow.parquet as pq
rng = np.random.default_rng(5)
cols = {f"c{j}": rng.normal(size=400_000) for j in range(8)}
cols["c3"][::7] = np.nan
cols["id"] = np.array([f"e{i % 977}" for i in range(400_000)])
pq.write_table(pa.table(cols), data, row_group_size=50_000)
out = [float(np.nansum(cols[f"c{j}"] * np.arange(400_000))) for j in range(8)]`,
    path,
  );
  const table = await readTable(path);
  assert.equal(table.rows, 400_000);
  sums.forEach((want, j) => {
    const c = table.columns[j] as Float64Array;
    let got = 0;
    for (let i = 0; i < c.length; i++) if (!Number.isNaN(c[i]!)) got += c[i]! * i;
    assert.ok(Math.abs(got - want) <= 1e-9 * Math.abs(want), `c${j}: ${got} vs ${want}`);
  });
  const ids = table.columns[8]!;
  assert.deepEqual([ids[0], ids[977], ids[399_999]], ["e0", "e0", `e${399_999 % 977}`]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ISO times are Date#toISOString's, years 0000–9999 written directly and others by Date", () => {
  let s = 11;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const near = Array.from({ length: 20_000 }, () => Math.floor((rnd() - 0.3) * 4e12));
  const edges = [0, -1, 951_782_400_000, -62_167_219_200_000, 253_402_300_799_999, NaN];
  const far = [-62_167_219_200_001, 253_402_300_800_000, 8.64e15, 8.64e15 + 1, -8.64e15];
  for (const times of [[...edges, ...near], [...edges, ...far, ...near.slice(0, 50)]]) {
    const text = new Utf8Builder(times.length);
    appendIsoTimes(text, Float64Array.from(times));
    const want = times.map((t) =>
      Number.isNaN(new Date(t).getTime()) ? null : new Date(t).toISOString()
    );
    assert.deepEqual(utf8Cells(text.finish()), want);
  }
});

Deno.test("Parquet with corrupt pages: each read is one DataError naming the file (a decoder panic too), and reading goes on", async () => {
  // Snappy pages go through our page kernels; ZSTD ones through parquet-wasm, which panics on some.
  const panics = new Map<string, number>();
  for (const file of ["tests/fixtures/malformed/good.parquet", "tests/fixtures/zstd.parquet"]) {
    panics.set(file, await scrambledReads(file));
    assert.equal((await readTable(file)).rows, 400, "reading goes on after the failures");
  }
  assert.ok(
    panics.get("tests/fixtures/zstd.parquet")! > 0,
    "some scrambled pages panic parquet-wasm",
  );
  assert.equal(panics.get("tests/fixtures/malformed/good.parquet"), 0, "our kernels never panic");
});

/** Reads 40 copies of `file` with pages scrambled: each fails as one DataError or reads; panics. */
async function scrambledReads(file: string): Promise<number> {
  const good = await Deno.readFile(file);
  const dir = await Deno.makeTempDir();
  let s = 1, panics = 0;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < 40; k++) {
    const bytes = good.slice(); // the footer (last 1,500 bytes) kept: the pages scrambled
    for (let f = 0; f < 1 + rnd() * 8; f++) {
      bytes[4 + Math.floor(rnd() * (bytes.length - 1508))]! ^= 1 + Math.floor(rnd() * 255);
    }
    const path = join(dir, `corrupt_${k}.parquet`);
    await Deno.writeFile(path, bytes);
    await readTable(path).catch((e) => {
      assert.ok(e instanceof DataError, String(e));
      assert.match(e.message, new RegExp(`^"${path}" is not a readable Parquet file \\(.+\\)$`));
      if (/the decoder failed/.test(e.message)) panics++;
    });
  }
  await Deno.remove(dir, { recursive: true });
  return panics;
}

Deno.test("numericValues: a numeric column without ±Infinity is its own values (no 8 MB copy per million rows); with them, a copy", () => {
  const finite = Float64Array.of(1, NaN, 2.5);
  assert.equal(numericValues(finite).values, finite);
  assert.equal(numericValues(finite).unreadable, 0);
  const inf = Float64Array.of(1, Infinity, NaN, -Infinity);
  const read = numericValues(inf);
  assert.notEqual(read.values, inf);
  assert.deepEqual([...read.values], [1, NaN, NaN, NaN]);
  assert.equal(read.unreadable, 2);
  assert.deepEqual([...inf], [1, Infinity, NaN, -Infinity], "the column is left as read");
});
