/**
 * The flags of a transaction log (`--source transactions`), declared once for every task that
 * reads one (train, features): its columns beyond a labeled file's, its feature windows, the
 * label delay; and how a model is judged on it (the split by days, the alert budget, the costs).
 *
 * @module
 */

import type { FlagSpec } from "./task_spec.ts";

// deno-fmt-ignore
/** A log's columns, windows and label delay. */
export const LOG_SOURCE_FLAGS: readonly FlagSpec[] = [
  { flag: "labels",              config: "data.labels",                  type: "string",  arg: "<how>",    help: "embedded source: rules, or scenarios (a simulated transaction log with ground-truth fraud confirmed days later)" },
  { flag: "log-days",            config: "data.logDays",                 type: "number",  arg: "<d>",      help: "days of the simulated log (--labels scenarios)" },
  { flag: "counterparty-column", config: "data.file.counterpartyColumn", type: "string",  arg: "<column>", help: "a log's terminal or merchant id column" },
  { flag: "amount-column",       config: "data.file.amountColumn",       type: "string",  arg: "<column>", help: "a log's amount column" },
  { flag: "label-time-column",   config: "data.file.labelTimeColumn",    type: "string",  arg: "<column>", help: "a log's label-time column: when each fraud was confirmed" },
  { flag: "id-column",           config: "data.file.idColumn",           type: "string",  arg: "<column>", help: "a log's transaction id column" },
  { flag: "windows-days",        config: "data.windowsDays",             type: "numbers", arg: "<d,d,…>",  help: "a log's feature windows in days" },
  { flag: "delay-days",          config: "data.delayDays",               type: "number",  arg: "<d>",      help: "how many days late fraud labels are known: counterparty risk windows end that much earlier, and the split by days leaves that gap" },
];

// deno-fmt-ignore
/** The split by days and the fraud team's metrics (train). */
export const LOG_EVALUATION_FLAGS: readonly FlagSpec[] = [
  { flag: "train-days",        config: "data.trainDays",              type: "number", arg: "<d>",          help: "with --split time on a log: days of training, then --delay-days of gap, then --test-days of test" },
  { flag: "test-days",         config: "data.testDays",               type: "number", arg: "<d>",          help: "days of test (and of each CV fold's test period)" },
  { flag: "train-start",       config: "data.trainStart",             type: "string", arg: "<YYYY-MM-DD>", help: "the first training day (default: the test period ends on the log's last day)" },
  { flag: "test-start",        config: "data.testStart",              type: "string", arg: "<YYYY-MM-DD>", help: "the first test day, instead of --train-start" },
  { flag: "alert-budget",      config: "evaluation.alertBudget",      type: "number", arg: "<k>",          help: "alerts investigators check a day: k of precision@k and card precision@k" },
  { flag: "review-cost",       config: "evaluation.reviewCost",       type: "number", arg: "<c>",          help: "the cost of reviewing one alert" },
  { flag: "missed-fraud-cost", config: "evaluation.missedFraudCost",  type: "string", arg: "<amount|c>",   help: "the cost of a missed fraud: its amount, or a fixed value" },
];
