/**
 * The readers' rules at the edges: CSV quoting and blank lines, the line of a bad UTF-8 byte,
 * categories that look like numbers, and URIs whose secrets hold an `@`.
 */

import assert from "node:assert/strict";
import { parseCsv, parseCsvBytes } from "../lib/data/csv_parse.ts";
import { encodeCategories } from "../lib/data/read_table.ts";
import type { Table } from "../lib/data/table.ts";
import { DataError } from "../lib/errors.ts";
import { redactUri } from "../lib/util/redact_uri.ts";

Deno.test("CSV: a quote opens a quoted cell only at a cell's start; empty lines are passed over, a quoted empty cell is kept", () => {
  const t = parseCsv('\n\nsize,label\n5" screen,1\n"a, ""b""",0\n');
  assert.deepEqual(t.names, ["size", "label"]);
  assert.deepEqual(t.columns[0], ['5" screen', 'a, "b"']);
  const one = parseCsv('x\n""\n\n2\n');
  assert.deepEqual(
    one.columns[0],
    ["", "2"],
    "the quoted empty value is a row, the empty line not",
  );
  assert.throws(
    () => parseCsv('a,b\n1,2\n"3,4\n5,6\n', "f.csv"),
    (e: Error) =>
      e instanceof DataError && /a quote opened on line 3 is never closed/.test(e.message),
  );
  assert.throws(
    () => parseCsv("a,b\n1,2\n3\n", "f.csv"),
    (e: Error) => e instanceof DataError && /line 3 has 1 cells, the header has 2/.test(e.message),
  );
});

Deno.test("CSV: the line of the first byte that is not UTF-8 is named exactly", () => {
  const enc = new TextEncoder();
  for (let lines = 1; lines <= 12; lines++) {
    for (const pad of ["", "x", "xy", "xyz", "€"]) {
      const head = enc.encode("abcdefgh\n" + `${pad}1\n`.repeat(lines - 1) + pad);
      const bytes = new Uint8Array([...head, 0xff, 0x0a, 0x41]);
      assert.throws(
        () => parseCsvBytes(bytes, "f.csv"),
        (e: Error) =>
          e instanceof DataError && e.message.endsWith(`(an invalid byte on line ${lines + 1})`),
        `${lines} lines, pad ${JSON.stringify(pad)}`,
      );
    }
  }
});

Deno.test("categories: text is looked up first (numbers can be categories); codes only in a column of numbers", () => {
  const table = (cells: string[]): Table => ({
    names: ["c"],
    columns: [cells],
    rows: cells.length,
  });
  const tiers = encodeCategories(table(["1", "2", "1", "gold", "3"]), { c: ["1", "2", "gold"] });
  assert.deepEqual(Array.from(tiers.table.columns[0]!), [0, 1, 0, 2, null]);
  assert.deepEqual(tiers.unseen, { c: 1 });
  const mcc = encodeCategories(table(["5411", "7", "10", "7"]), { c: ["10", "5411", "7", "abc"] });
  assert.deepEqual(Array.from(mcc.table.columns[0]!), [1, 2, 0, 2]);
  assert.deepEqual(mcc.unseen, {});
  const codes = encodeCategories(table(["0", "2", "", "9"]), { c: ["atm", "pos", "web"] });
  assert.deepEqual(Array.from(codes.table.columns[0]!), [0, 2, null, null], "codes; 9 is no code");
  assert.deepEqual(codes.unseen, { c: 1 });
  const text = encodeCategories(table(["pos", "42", "web", "web"]), { c: ["atm", "pos", "web"] });
  assert.deepEqual(Array.from(text.table.columns[0]!), [1, null, 2, 2], "42 is text here");
  assert.deepEqual(text.unseen, { c: 1 });
});

Deno.test("redactUri: user info up to the last @, and credential query values", () => {
  assert.equal(redactUri("http://alice:p@ss@word@mlflow:5000/x"), "http://***@mlflow:5000/x");
  assert.equal(redactUri("https://tok@host"), "https://***@host");
  assert.equal(
    redactUri("http://host:5000/?api_key=k1&x=1&token=t2"),
    "http://host:5000/?api_key=***&x=1&token=***",
  );
  assert.equal(redactUri("sqlite:///mlflow.db"), "sqlite:///mlflow.db");
});
