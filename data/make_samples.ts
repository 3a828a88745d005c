/**
 * Writes the labeled sample files the docs train, score and compare with (run from the
 * repository root: `deno run -A data/make_samples.ts`; the Parquet file needs `.venv`):
 *
 * - `data/transactions.csv`: 1,400 cards of the embedded transaction stream (seed 7, snapshot
 *   2024-06-03), labeled by the fraud rules at 3%, with a text column `channel` drawn at random
 *   (web 50%, pos 35%, atm 15%) to show categorical columns;
 * - `data/transactions_new.parquet`: 1,000 other cards a week later (seed 8) with the
 *   `amount_shift` scenario (amounts × 1.5), labeled the same way, more `web` and a `wallet`
 *   channel the first file never had;
 * - `data/queries.csv`: 250 shopping sessions (seed 9) of 4–16 items each, rows shuffled across
 *   sessions, with price, rating, discount, a text `category` and a graded relevance (0 shown,
 *   1 clicked, 2 added to the cart, 3 bought) driven by rating, discount and the session's
 *   favourite category, for ranking (`--group-column session`).
 *
 * Feature values are rounded to 3 decimals and times to the second to keep the files small.
 *
 * @module
 */

import { toCsv } from "../lib/data/csv.ts";
import type { DriftScenario } from "../lib/features/transactions.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { FRAUD_RULE_SET } from "../lib/labels/fraud_rules.ts";
import { labelByRules } from "../lib/labels/rule_labeler.ts";
import { Rng } from "../lib/util/rng.ts";

interface Sample {
  readonly samples: number;
  readonly seed: number;
  readonly snapshotTime: string;
  readonly scenario: DriftScenario;
  readonly channels: readonly (readonly [name: string, share: number])[];
}

function channel(rng: Rng, channels: Sample["channels"]): string {
  let u = rng.next();
  for (const [name, share] of channels) if ((u -= share) < 0) return name;
  return channels.at(-1)![0];
}

function sampleCsv(s: Sample): string {
  const { frame, entityIds, timestamps } = embeddedFeatures({
    samples: s.samples,
    seed: s.seed,
    snapshotTime: s.snapshotTime,
    scenario: s.scenario,
  });
  const { labels } = labelByRules(frame, FRAUD_RULE_SET, { targetRate: 0.03, seed: s.seed });
  const rng = new Rng(s.seed);
  const round = (c: Float64Array) => Array.from(c, (v) => Math.round(v * 1e3) / 1e3);
  return toCsv([
    ["card_id", entityIds],
    [
      "event_time",
      Array.from(timestamps, (t) => new Date(t).toISOString().replace(/\.\d+Z$/, "Z")),
    ],
    ...frame.names.map((n, j) => [n, round(frame.columns[j]!)] as const),
    ["channel", entityIds.map(() => channel(rng, s.channels))],
    ["is_fraud", labels],
  ]);
}

/** Shopping sessions with graded relevance (see the module doc). */
function queriesCsv(sessions: number, seed: number): string {
  const rng = new Rng(seed), categories = ["books", "garden", "home", "sport", "toys"];
  const rows: string[] = [];
  for (let s = 0; s < sessions; s++) {
    const favourite = categories[rng.int(categories.length)]!, items = 4 + rng.int(13);
    for (let i = 0; i < items; i++) {
      const category = categories[rng.int(categories.length)]!;
      const price = Math.round((5 + rng.next() * 195) * 100) / 100;
      const rating = Math.round((1 + rng.next() * 4) * 10) / 10, discount = rng.int(5) * 10;
      const z = 0.8 * rating + 0.04 * discount - 0.006 * price +
        (category === favourite ? 1.5 : 0) + rng.normal();
      const relevance = Math.max(0, Math.min(3, Math.floor(z - 2.5)));
      rows.push(`s${s},s${s}_i${i},${price},${rating},${discount},${category},${relevance}`);
    }
  }
  const order = rng.shuffle(Int32Array.from(rows.keys()));
  return `session,item,price,rating,discount,category,relevance\n${
    Array.from(order, (k) => rows[k]).join("\n")
  }\n`;
}

await Deno.writeTextFile("data/queries.csv", queriesCsv(250, 9));
await Deno.writeTextFile(
  "data/transactions.csv",
  sampleCsv({
    samples: 1400,
    seed: 7,
    snapshotTime: "2024-06-03T03:00:00Z",
    scenario: "none",
    channels: [["web", 0.5], ["pos", 0.35], ["atm", 0.15]],
  }),
);
const later = await Deno.makeTempFile({ suffix: ".csv" });
await Deno.writeTextFile(
  later,
  sampleCsv({
    samples: 1000,
    seed: 8,
    snapshotTime: "2024-06-10T03:00:00Z",
    scenario: "amount_shift",
    channels: [["web", 0.6], ["pos", 0.25], ["atm", 0.1], ["wallet", 0.05]],
  }),
);
const toParquet = "import sys, pyarrow.csv as c, pyarrow.parquet as p; " +
  "p.write_table(c.read_csv(sys.argv[1]), sys.argv[2])";
const py = await new Deno.Command(".venv/bin/python", {
  args: ["-c", toParquet, later, "data/transactions_new.parquet"],
}).output();
await Deno.remove(later);
if (!py.success) throw new Error(new TextDecoder().decode(py.stderr));
