/**
 * The embedded transaction log: a seeded simulation of card payments with ground-truth fraud,
 * following the transaction data simulator of the *Fraud Detection Handbook* (Le Borgne et al.,
 * chapter "Transaction data simulator"), as a {@link TransactionLog}.
 *
 * Customers get a location on a 100 × 100 square, a mean amount (uniform on 5–100; standard
 * deviation half of it) and a mean number of transactions per day (uniform on 0–4); terminals get
 * a location; a customer pays only at terminals within `radius`. Each day a customer makes a
 * Poisson number of transactions, at a time of day from N(noon, 20,000 s) (kept only within the
 * day), each at one of their terminals drawn uniformly, for an amount from their normal
 * distribution (rounded to cents). Then the three fraud scenarios:
 *
 * 1. every amount above `amountThreshold` (220) is fraud;
 * 2. every day `compromisedTerminalsPerDay` (2) terminals are drawn, and all their transactions
 *    from that day on, for `terminalCompromiseDays` (28) days, are fraud;
 * 3. every day `compromisedCustomersPerDay` (3) customers are drawn, and of their transactions
 *    from that day on, for `customerCompromiseDays` (14) days, a `compromisedShare` (⅓) drawn at
 *    random get their amount × `amountMultiplier` (5) and are fraud.
 *
 * Scenarios 2 and 3 depend on the day and on the terminal's or the customer's other transactions,
 * not on a row's own fields: a model learns them only from history (a terminal's recent fraud, a
 * customer's usual amount), as on real data. Only scenario 1 is visible in the row itself.
 *
 * Each fraud becomes known after a delay drawn uniformly between `labelDelayDays.min` and `.max`
 * days (1 and 30; whole seconds): its `labelTime`. A legitimate row's label time is its own time,
 * as {@link TransactionLog} defines. With the handbook's sizes (5,000 customers, 10,000 terminals,
 * 183 days) the log holds about 1.75 million transactions, 0.8% of them fraud.
 *
 * Every draw comes from `seed`, through one stream per part (customers, terminals, spending,
 * scenario 2, scenario 3, delays): changing one scenario's rates leaves the spending the same.
 *
 * @module
 */

import { radixOrder } from "../util/sort.ts";
import { Rng } from "../util/rng.ts";
import { customerProfiles, nearbyTerminals, terminalProfiles } from "./_log_profiles.ts";
import { markFraud, type ScenarioMarks, type ScenarioSettings } from "./_log_scenarios.ts";
import { type CustomerTransactions, customerTransactions } from "./_log_transactions.ts";
import { DAY_MS, type TransactionLog } from "./transaction_log.ts";

/** The three fraud scenarios' rates (a scenario is off at a threshold of `Infinity` or 0 per day). */
export interface FraudScenarioOptions {
  /** Scenario 1: a transaction whose amount is above this is fraud. @default 220 */
  readonly amountThreshold?: number;
  /** Scenario 2: terminals compromised each day (distinct within a day). @default 2 */
  readonly compromisedTerminalsPerDay?: number;
  /** Scenario 2: days a terminal stays compromised, the day it is drawn included. @default 28 */
  readonly terminalCompromiseDays?: number;
  /** Scenario 3: customers compromised each day (distinct within a day). @default 3 */
  readonly compromisedCustomersPerDay?: number;
  /** Scenario 3: days a customer stays compromised, the day they are drawn included. @default 14 */
  readonly customerCompromiseDays?: number;
  /** Scenario 3: the share of a compromised customer's transactions that are fraud. @default 1/3 */
  readonly compromisedShare?: number;
  /** Scenario 3: what a fraud's amount is multiplied by. @default 5 */
  readonly amountMultiplier?: number;
}

/** Options of {@link generateTransactionLog}; the defaults are the handbook's. */
export interface EmbeddedLogOptions {
  /** Seed; the same seed and options give the same log. */
  readonly seed: number;
  /** Number of customers (the log's entities). @default 5000 */
  readonly customers?: number;
  /** Number of terminals (the log's counterparties). @default 10000 */
  readonly terminals?: number;
  /** Number of simulated days. @default 183 */
  readonly days?: number;
  /**
   * The first day's start (ISO string or epoch ms); a UTC midnight makes the simulator's days the
   * `dayOf` days. @default "2018-04-01"
   */
  readonly startDate?: string | number;
  /** A customer pays at terminals closer than this (on the 100 × 100 square). @default 5 */
  readonly radius?: number;
  /** The fraud scenarios' rates; each one left out keeps its default. */
  readonly scenarios?: FraudScenarioOptions;
  /** A fraud's label delay in days, uniform on [min, max]. @default { min: 1, max: 30 } */
  readonly labelDelayDays?: { readonly min: number; readonly max: number };
}

/** Which scenario made each fraud, and what the scenarios drew: for tests and analysis, not features. */
export interface FraudTruth {
  /** Per row of the log: 0 legitimate, else the last scenario (1, 2, 3) that marked it fraud. */
  readonly scenario: Uint8Array;
  /** Day d's compromised terminal codes: `[d × perDay, (d + 1) × perDay)`. */
  readonly compromisedTerminals: Int32Array;
  /** Day d's compromised customer codes: `[d × perDay, (d + 1) × perDay)`. */
  readonly compromisedCustomers: Int32Array;
}

/** A simulated log and its ground truth. */
export interface EmbeddedLog {
  readonly log: TransactionLog;
  readonly truth: FraudTruth;
}

/** The handbook's fraud scenario rates. */
export const HANDBOOK_SCENARIOS: Readonly<Required<FraudScenarioOptions>> = {
  amountThreshold: 220,
  compromisedTerminalsPerDay: 2,
  terminalCompromiseDays: 28,
  compromisedCustomersPerDay: 3,
  customerCompromiseDays: 14,
  compromisedShare: 1 / 3,
  amountMultiplier: 5,
};

/** {@link EmbeddedLogOptions} with every default filled in and the start as epoch ms. */
interface Settings {
  readonly seed: number;
  readonly customers: number;
  readonly terminals: number;
  readonly days: number;
  readonly start: number;
  readonly radius: number;
  readonly scenarios: ScenarioSettings;
  readonly delay: { readonly min: number; readonly max: number };
}

/**
 * Simulates a transaction log with the handbook's customers, terminals and fraud scenarios,
 * sorted by time (ties in customer order), transaction ids `tx_<n>` in that order, entities
 * `customer_<c>` and counterparties `terminal_<t>`.
 *
 * @throws {RangeError} naming every option out of its range, one line each.
 * @example A month of 500 customers at 1,000 terminals, fraud confirmed 1–30 days later
 * ```ts
 * import { generateTransactionLog } from "./embedded_log.ts";
 * const { log, truth } = generateTransactionLog({
 *   seed: 7,
 *   customers: 500,
 *   terminals: 1000,
 *   days: 30,
 *   startDate: "2024-01-01",
 * });
 * log.rows; // about 29,000 transactions, in time order
 * log.entityNames[log.entity[0]!]; // "customer_…"
 * truth.scenario.filter((s) => s === 2).length; // frauds at compromised terminals
 * ```
 */
export function generateTransactionLog(options: EmbeddedLogOptions): EmbeddedLog {
  const o = settingsOf(options);
  const master = new Rng(o.seed);
  const rng = () => new Rng(master.nextUint32());
  const customers = customerProfiles(rng(), o.customers);
  const nearby = nearbyTerminals(customers, terminalProfiles(rng(), o.terminals), o.radius);
  const tx = customerTransactions({ rng: rng(), customers, nearby, days: o.days });
  const world = {
    customers: o.customers,
    terminals: o.terminals,
    days: o.days,
    terminalRng: rng(),
    customerRng: rng(),
  };
  const marks = markFraud(tx, world, o.scenarios);
  return inTimeOrder(tx, marks, { settings: o, delayRng: rng() });
}

/** The customer-grouped rows as a log in time order, with label times drawn in that order. */
function inTimeOrder(
  tx: CustomerTransactions,
  marks: ScenarioMarks,
  { settings, delayRng }: { settings: Settings; delayRng: Rng },
): EmbeddedLog {
  const n = tx.rows;
  // radixOrder reuses the key arrays it is given: a copy, and its sorted seconds are the times.
  const { order, lo: seconds } = radixOrder(new Uint32Array(n), tx.second.slice());
  const entity = new Int32Array(n), counterparty = new Int32Array(n);
  const time = new Float64Array(n), amount = new Float64Array(n), labelTime = new Float64Array(n);
  const label = new Uint8Array(n), scenario = new Uint8Array(n);
  const { min, max } = settings.delay;
  for (let i = 0; i < n; i++) {
    const r = order[i]!;
    entity[i] = tx.customer[r]!;
    counterparty[i] = tx.terminal[r]!;
    time[i] = settings.start + seconds[i]! * 1000;
    amount[i] = tx.amount[r]!;
    label[i] = marks.label[r]!;
    scenario[i] = marks.scenario[r]!;
    const days = label[i] ? min + delayRng.next() * (max - min) : 0;
    labelTime[i] = time[i]! + Math.round((days * DAY_MS) / 1000) * 1000; // whole seconds
  }
  const names = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, k) => `${prefix}_${k}`);
  const log: TransactionLog = {
    rows: n,
    ids: names("tx", n),
    entity,
    entityNames: names("customer", settings.customers),
    counterparty,
    counterpartyNames: names("terminal", settings.terminals),
    time,
    amount,
    label,
    labelTime,
  };
  const { compromisedTerminals, compromisedCustomers } = marks;
  return { log, truth: { scenario, compromisedTerminals, compromisedCustomers } };
}

/** The options with defaults filled in; every problem one line of a {@link RangeError}. */
function settingsOf(options: EmbeddedLogOptions): Settings {
  const s = options.scenarios ?? {}, delay = options.labelDelayDays ?? { min: 1, max: 30 };
  const start = options.startDate ?? "2018-04-01";
  const settings: Settings = {
    seed: options.seed,
    customers: options.customers ?? 5000,
    terminals: options.terminals ?? 10_000,
    days: options.days ?? 183,
    start: typeof start === "number" ? start : Date.parse(start),
    radius: options.radius ?? 5,
    scenarios: { ...HANDBOOK_SCENARIOS, ...definedOnly(s) },
    delay,
  };
  const problems = optionProblems(settings, start);
  if (problems.length) throw new RangeError(problems.join("\n"));
  return settings;
}

/** `o` without its `undefined` fields (so they keep their defaults when spread). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One line per option out of range: `name: expected …, but found …`. */
function optionProblems(o: Settings, start: string | number): string[] {
  const sc = o.scenarios, { min, max } = o.delay;
  const isCount = (v: number, least: number, most: number) =>
    Number.isInteger(v) && v >= least && v <= most;
  const BIG = 2 ** 31 - 1;
  const rules: [name: string, value: unknown, ok: boolean, expected: string][] = [
    ["seed", o.seed, Number.isInteger(o.seed), "an integer"],
    ["customers", o.customers, isCount(o.customers, 1, BIG), "an integer ≥ 1"],
    ["terminals", o.terminals, isCount(o.terminals, 1, BIG), "an integer ≥ 1"],
    ["days", o.days, isCount(o.days, 1, 40_000), "an integer in [1, 40000]"],
    ["startDate", start, Number.isFinite(o.start), "an ISO date or epoch milliseconds"],
    ["radius", o.radius, o.radius > 0 && Number.isFinite(o.radius), "a finite number > 0"],
    [
      "scenarios.amountThreshold",
      sc.amountThreshold,
      !Number.isNaN(sc.amountThreshold),
      "a number (Infinity: scenario 1 off)",
    ],
    [
      "scenarios.compromisedTerminalsPerDay",
      sc.compromisedTerminalsPerDay,
      isCount(sc.compromisedTerminalsPerDay, 0, o.terminals),
      `an integer in [0, terminals = ${o.terminals}]`,
    ],
    [
      "scenarios.terminalCompromiseDays",
      sc.terminalCompromiseDays,
      isCount(sc.terminalCompromiseDays, 1, BIG),
      "an integer ≥ 1",
    ],
    [
      "scenarios.compromisedCustomersPerDay",
      sc.compromisedCustomersPerDay,
      isCount(sc.compromisedCustomersPerDay, 0, o.customers),
      `an integer in [0, customers = ${o.customers}]`,
    ],
    [
      "scenarios.customerCompromiseDays",
      sc.customerCompromiseDays,
      isCount(sc.customerCompromiseDays, 1, BIG),
      "an integer ≥ 1",
    ],
    [
      "scenarios.compromisedShare",
      sc.compromisedShare,
      sc.compromisedShare >= 0 && sc.compromisedShare <= 1,
      "a share in [0, 1]",
    ],
    [
      "scenarios.amountMultiplier",
      sc.amountMultiplier,
      sc.amountMultiplier > 0 && Number.isFinite(sc.amountMultiplier),
      "a finite number > 0",
    ],
    [
      "labelDelayDays",
      o.delay,
      min >= 0 && max >= min && Number.isFinite(max),
      "finite days with 0 ≤ min ≤ max",
    ],
  ];
  return rules.filter(([, , ok]) => !ok).map(([name, value, , expected]) =>
    `${name}: expected ${expected} but found ${shown(value)}`
  );
}

/** A value as an error message shows it: text quoted, `{ min: 1, max: 30 }` for an object. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object" || value === null) return String(value);
  return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${shown(v)}`).join(", ")} }`;
}
