import assert from "node:assert/strict";
import protobuf from "protobufjs";
import { fastDecimal } from "../lib/features/redis/_ascii_number.ts";
import { encodeTimestamp, encodeValue } from "../lib/features/redis/feast_codec.ts";
import { CommandWriter } from "../lib/features/redis/resp.ts";

const enc = new TextEncoder();

/** A seeded uniform [0, 1) stream (Park–Miller). */
function uniform(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

Deno.test("numbers read straight from bytes equal Number() of the text, or defer to it", () => {
  const edge = ["0", "-0", "5.", "-.5", ".5", "0.05", "007.50", "-", ".", "-.", "1e5", " 5", "5 "];
  const rnd = uniform(7), texts = [...edge, "0.3333333333333333", "1234567890123456", "null"];
  for (let i = 0; i < 200_000; i++) {
    const r = rnd();
    const v = r < 0.3
      ? Math.round(rnd() * 1e6) / 100
      : r < 0.6
      ? rnd() * 10 ** Math.floor(rnd() * 12 - 4)
      : (rnd() - 0.5) * 1e3;
    texts.push(String(v), v.toFixed(Math.floor(rnd() * 12)));
  }
  let fast = 0;
  for (const t of texts) {
    const v = fastDecimal(enc.encode(t));
    if (v === undefined) continue;
    fast++;
    assert.ok(Object.is(v, Number(t)), `${JSON.stringify(t)}: ${v} vs ${Number(t)}`);
  }
  assert.ok(fast > texts.length * 0.6, `the fast path took ${fast} of ${texts.length}`);
  const long = ["9007199254740991", "-900719925474099.1", "0.0000000000000000000001"]; // 2^53 − 1
  for (const t of long) assert.ok(Object.is(fastDecimal(enc.encode(t)), Number(t)), t);
  const beyond = ["9007199254740992", "0.30000000000000004", "0.00000000000000000000001"];
  for (const t of ["", "-", ".", "1e5", " 5", "abc", ...beyond]) {
    assert.equal(fastDecimal(enc.encode(t)), undefined, JSON.stringify(t));
  }
});

Deno.test("Feast values and timestamps are written byte for byte as protobufjs writes them", () => {
  const root = protobuf.parse(`syntax = "proto3";
    message Value { oneof val { int64 int64_val = 4; double double_val = 5; bool bool_val = 7; } }
    message Timestamp { int64 seconds = 1; int32 nanos = 2; }`).root;
  const Value = root.lookupType("Value"), Ts = root.lookupType("Timestamp");
  const pb = (t: protobuf.Type, m: Record<string, unknown>) => [...t.encode(t.create(m)).finish()];
  const rnd = uniform(11);
  for (let i = 0; i < 5_000; i++) {
    const d = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 20 - 5);
    assert.deepEqual([...encodeValue(d, "double_val")], pb(Value, { doubleVal: d }));
    const n = Math.round(rnd() < 0.5 ? rnd() * 300 : (rnd() - 0.2) * 2 ** Math.floor(rnd() * 52));
    assert.deepEqual([...encodeValue(n, "int64_val")], pb(Value, { int64Val: n }), String(n));
    assert.deepEqual([...encodeValue(n & 1, "bool_val")], pb(Value, { boolVal: (n & 1) === 1 }));
    const ms = Math.round(rnd() * 2e12) + (rnd() < 0.3 ? 0 : rnd());
    const seconds = Math.floor(ms / 1000), nanos = Math.round((ms - seconds * 1000) * 1e6);
    assert.deepEqual([...encodeTimestamp(ms)], pb(Ts, { seconds, nanos }), String(ms));
  }
  assert.deepEqual([...encodeValue(0, "double_val")], pb(Value, { doubleVal: 0 }));
  assert.deepEqual([...encodeValue(0, "int64_val")], pb(Value, { int64Val: 0 }));
  assert.equal(encodeValue(NaN, "double_val").length, 0);
});

Deno.test("commands are written as RESP bulk strings, UTF-8 included", () => {
  const w = new CommandWriter();
  w.command("HSET", "k:é", new Uint8Array([0, 255]), "x".repeat(120), "");
  const expected = [
    "*5\r\n$4\r\nHSET\r\n",
    "$4\r\nk:é\r\n",
    "$2\r\n\u0000\u00ff\r\n",
    `$120\r\n${"x".repeat(120)}\r\n`,
    "$0\r\n\r\n",
  ];
  const bytes = w.bytes;
  const at = bytes.indexOf(0); // the raw bytes 0x00 0xff are not UTF-8: compare around them
  const head = new TextDecoder().decode(bytes.subarray(0, at));
  assert.equal(head, expected.slice(0, 2).join("") + "$2\r\n");
  assert.deepEqual([...bytes.subarray(at, at + 2)], [0, 255]);
  assert.equal(
    new TextDecoder().decode(bytes.subarray(at + 2)),
    "\r\n" + expected.slice(3).join(""),
  );
});
