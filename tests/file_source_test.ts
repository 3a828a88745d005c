import assert from "node:assert/strict";
import { join } from "node:path";
import { runPython } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

const DAY = 86_400_000;

/** A labeled table: entity, ISO time, two numeric features, a text category, a 0/1 flag, the label. */
function rows(n: number): Record<string, Array<string | number>> {
  const cols: Record<string, Array<string | number>> = {
    customer: [],
    event_time: [],
    spend_7d: [],
    visits_7d: [],
    channel: [],
    is_member: [],
    purchased: [],
  };
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < n; i++) {
    const spend = Math.round(rnd() * 40000) / 100, visits = Math.floor(rnd() * 12);
    const channel = ["email", "search", "social"][Math.floor(rnd() * 3)]!;
    const member = rnd() < 0.3 ? 1 : 0;
    const z = -3 + spend / 100 + 0.2 * visits + (channel === "email" ? 1 : 0) + member;
    cols.customer!.push(`c${i}`);
    cols.event_time!.push(
      new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 60 * DAY)).toISOString(),
    );
    cols.spend_7d!.push(spend);
    cols.visits_7d!.push(visits);
    cols.channel!.push(channel);
    cols.is_member!.push(member);
    cols.purchased!.push(rnd() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return cols;
}

function csv(cols: Record<string, Array<string | number>>, header = Object.keys(cols)): string {
  const names = Object.keys(cols), n = cols[names[0]!]!.length;
  const lines = [header.join(",")];
  for (let i = 0; i < n; i++) lines.push(names.map((c) => cols[c]![i]).join(","));
  return lines.join("\n") + "\n";
}

const FILE_FLAGS = [
  "--label",
  "purchased",
  "--entity-column",
  "customer",
  "--timestamp-column",
  "event_time",
];

async function trainOn(dir: string, input: string, extra: string[] = []) {
  return await runTask("train", ["--source", "file", "--input", input, ...FILE_FLAGS, ...extra], {
    cwd: dir,
  });
}

Deno.test("a CSV and a Parquet file with real labels train: text categories one-hot, out-of-time split by the timestamp column", async () => {
  const dir = await Deno.makeTempDir();
  const cols = rows(3000);
  await Deno.writeTextFile(join(dir, "labeled.csv"), csv(cols));
  await runPython(
    `import pyarrow as pa, pyarrow.parquet as pq
pq.write_table(pa.table(data), ${JSON.stringify(join(dir, "labeled.parquet"))})
out = None`,
    cols,
  );
  const fromCsv = await trainOn(dir, "labeled.csv", [
    "--split",
    "time",
    "--experiment-name",
    "files",
  ]);
  assert.equal(fromCsv.code, 0, fromCsv.stderr);
  assert.match(fromCsv.stdout, /^Model logistic_regression|^Model xgboost/m);
  assert.match(fromCsv.stdout, /purchased rate/);
  assert.match(fromCsv.stdout, /Out of time: trained on 2024-01-01T.* tested on 2024-02-/);
  const fromParquet = await trainOn(dir, "labeled.parquet", [
    "--model-type",
    "logistic_regression",
    "--experiment-name",
    "files",
  ]);
  assert.equal(fromParquet.code, 0, fromParquet.stderr);
  // The text column became categories with search as a dummy against email (the reference).
  assert.match(fromParquet.stdout, /^channel=1 /m);
  assert.match(fromParquet.stdout, /^channel=2 /m);
  assert.match(fromParquet.stdout, /^spend_7d /m);
  assert.doesNotMatch(fromParquet.stdout, /^customer|^event_time/m);
  await Deno.remove(dir, { recursive: true });
});

const BAD: Array<[string, (cols: Record<string, Array<string | number>>) => string, RegExp]> = [
  [
    "a missing label column",
    (c) =>
      csv({ ...c, purchased: [] }, Object.keys(c).map((k) => k === "purchased" ? "bought" : k)),
    /has no label column "purchased" \(columns: customer, event_time, .*bought\)/,
  ],
  [
    "labels that are not 0/1",
    (c) => csv({ ...c, purchased: c.purchased!.map((v, i) => i % 50 ? v : "yes") }),
    /label column "purchased" must hold 0\/1, found "yes" ×\d+/,
  ],
  [
    "one class",
    (c) => csv({ ...c, purchased: c.purchased!.map(() => 0) }),
    /only one class \(0\) in 200 rows/,
  ],
  ["an empty file", () => "", /is empty \(0 bytes\)/],
  ["a header without rows", (c) => Object.keys(c).join(",") + "\n", /has a header but no rows/],
  [
    "duplicate column names",
    (c) => csv(c, Object.keys(c).map((k) => k === "visits_7d" ? "spend_7d" : k)),
    /duplicate column names: "spend_7d"/,
  ],
  [
    "a feature entirely missing",
    (c) => csv({ ...c, visits_7d: c.visits_7d!.map(() => "") }),
    /feature visits_7d entirely missing \(no value in 200 rows\)/,
  ],
];

for (const [what, make, line] of BAD) {
  Deno.test(`a labeled file with ${what} exits 2 with one line and writes nothing`, async () => {
    const dir = await Deno.makeTempDir();
    const cols = rows(200);
    cols.purchased = cols.purchased!.map((_, i) => (i % 4 === 0 ? 1 : 0));
    await Deno.writeTextFile(join(dir, "bad.csv"), make(structuredClone(cols)));
    const r = await trainOn(dir, "bad.csv");
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n").filter((l) => !/^\S+T\S+Z (INFO|WARN)/.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, line);
    assert.ok(!r.stderr.includes("    at "), r.stderr);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(left, ["bad.csv"]);
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("a text column past 65,535 categories with enable_categorical exits 2 with one line before any run starts", async () => {
  const dir = await Deno.makeTempDir();
  const cols = rows(65_600);
  cols.channel = cols.channel!.map((_, i) => `shop${i}`); // every row its own category
  cols.purchased = cols.purchased!.map((_, i) => (i % 4 === 0 ? 1 : 0));
  await Deno.writeTextFile(join(dir, "wide.csv"), csv(cols));
  const r = await trainOn(dir, "wide.csv", ["--param", "enable_categorical=true"]);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split("\n").filter((l) => !/^\S+T\S+Z (INFO|WARN)/.test(l));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0]!,
    /text column "channel" \(65,600 categories\): a categorical feature holds at most 65,535/,
  );
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["wide.csv"], "no run store");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a model trained on text categories scores the raw text: predict maps it with the saved vocabulary (JSON and ONNX agree)", async () => {
  const dir = await Deno.makeTempDir();
  const cols = rows(1500);
  await Deno.writeTextFile(join(dir, "labeled.csv"), csv(cols));
  const r = await trainOn(dir, "labeled.csv", ["--model-type", "logistic_regression"]);
  assert.equal(r.code, 0, r.stderr);
  const artifacts = r.stdout.match(/^Artifacts: (\S+)/m)![1]!;
  const model = JSON.parse(await Deno.readTextFile(join(artifacts, "model/model.json")));
  assert.deepEqual(model.vocabulary, { channel: ["email", "search", "social"] });
  // New rows in the raw layout, one with a channel never seen in training.
  const fresh = rows(40);
  fresh.channel![0] = "podcast";
  for (const name of Object.keys(fresh)) fresh[name]![2] = fresh[name]![1]!; // row 2 = row 1 …
  fresh.channel![1] = "email";
  fresh.channel![2] = "social"; // … but for the channel
  await Deno.writeTextFile(join(dir, "fresh.csv"), csv(fresh));
  const scored: Record<string, number[]> = {};
  for (const file of ["model.json", "model.onnx"]) {
    const p = await runTask("predict", [
      "--model",
      join(artifacts, "model", file),
      "--input",
      "fresh.csv",
      "--output",
      `scored_${file}.csv`,
    ], { cwd: dir });
    assert.equal(p.code, 0, p.stderr);
    assert.match(
      p.stderr,
      /warning: 1 value\(s\) in "channel" in categories the model never saw, read as missing/,
    );
    const out = (await Deno.readTextFile(join(dir, `scored_${file}.csv`))).trim().split("\n");
    const at = out[0]!.split(",").indexOf("probability");
    scored[file] = out.slice(1).map((l) => Number(l.split(",")[at]));
    assert.equal(out[1]!.split(",")[4], "podcast", "the output keeps the raw text");
  }
  scored["model.json"]!.forEach((p, i) => {
    assert.ok(Math.abs(p - scored["model.onnx"]![i]!) < 1e-5, `row ${i}`);
  });
  // The text does the work: the same row scores differently on email (the reference) and social.
  assert.ok(Math.abs(scored["model.json"]![1]! - scored["model.json"]![2]!) > 1e-3);
  await Deno.remove(dir, { recursive: true });
});
