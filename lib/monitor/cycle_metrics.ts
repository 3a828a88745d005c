/**
 * What the scheduler exposes about its cycles: counts by decision, the last cycle's time,
 * duration, decision, drift share, champion version and current AUC, and each trigger's last
 * verdict — as Prometheus' text exposition format (version 0.0.4), and as a health verdict.
 *
 * @module
 */

/** What one finished cycle reports (the pipeline's cycle outcome is one). */
export interface CycleSummary {
  readonly decision: string;
  readonly championAfter?: string;
  readonly driftedShare?: number;
  readonly championCurrentAuc?: number;
  readonly triggers?: readonly {
    readonly name: string;
    readonly fired: boolean;
    readonly value?: number | null;
    readonly threshold?: number | null;
  }[];
}

/** Cycles that failed in a row before `/healthz` answers 503. */
export const UNHEALTHY_AFTER_FAILURES = 3;

/** The scheduler's running record of its cycles. */
export class CycleMetrics {
  readonly #counts = new Map<string, number>();
  #last?: CycleSummary & { endedAt: number; durationMs: number };
  #failuresInARow = 0;
  #running = false;
  #cycleStart = 0;
  readonly #startedAt = Date.now();
  readonly #stuckAfterMs: number;

  /** @param options `stuckAfterMs`: a cycle running longer makes `/healthz` fail (default 1 h). */
  constructor(options: { stuckAfterMs?: number } = {}) {
    this.#stuckAfterMs = options.stuckAfterMs ?? 3_600_000;
  }

  /** Marks a cycle started (exposed as `monitor_cycle_running`). */
  started(): void {
    this.#running = true;
    this.#cycleStart = Date.now();
  }

  /** Records a finished cycle (`decision` `failed` for one that threw). */
  record(summary: CycleSummary, durationMs: number): void {
    this.#running = false;
    this.#counts.set(summary.decision, (this.#counts.get(summary.decision) ?? 0) + 1);
    this.#failuresInARow = summary.decision === "failed" ? this.#failuresInARow + 1 : 0;
    this.#last = { ...summary, endedAt: Date.now(), durationMs };
  }

  /** Cycles finished, any decision. */
  get cycles(): number {
    return [...this.#counts.values()].reduce((a, b) => a + b, 0);
  }

  /**
   * Healthy unless the last {@link UNHEALTHY_AFTER_FAILURES} cycles all failed, or the running
   * cycle has run past the stuck bound.
   */
  health(): { healthy: boolean; cycles: number; lastDecision: string | null; running: boolean } {
    const stuck = this.#running && Date.now() - this.#cycleStart > this.#stuckAfterMs;
    return {
      healthy: this.#failuresInARow < UNHEALTHY_AFTER_FAILURES && !stuck,
      cycles: this.cycles,
      lastDecision: this.#last?.decision ?? null,
      running: this.#running,
    };
  }

  /** The Prometheus text exposition. */
  toPrometheus(): string {
    const out: string[] = [];
    const metric = (head: [string, string, string], samples: [string, number][]) => {
      const [name, type, help] = head;
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of samples) out.push(`${name}${labels} ${format(v)}`);
    };
    metric(["monitor_up", "gauge", "1 while the scheduler runs."], [["", 1]]);
    metric(["monitor_start_time_seconds", "gauge", "When the scheduler started."], [[
      "",
      this.#startedAt / 1000,
    ]]);
    metric(["monitor_cycle_running", "gauge", "1 while a cycle runs."], [[
      "",
      this.#running ? 1 : 0,
    ]]);
    metric(
      ["monitor_cycles_total", "counter", "Cycles finished, by decision."],
      [...this.#counts].map(([d, n]) => [`{decision="${d}"}`, n]),
    );
    const last = this.#last;
    if (!last) return out.join("\n") + "\n";
    metric(["monitor_last_cycle_timestamp_seconds", "gauge", "When the last cycle ended."], [[
      "",
      last.endedAt / 1000,
    ]]);
    metric(["monitor_last_cycle_duration_seconds", "gauge", "How long the last cycle took."], [[
      "",
      last.durationMs / 1000,
    ]]);
    metric(["monitor_last_decision", "gauge", "The last cycle's decision (1 for it)."], [[
      `{decision="${last.decision}"}`,
      1,
    ]]);
    const opt = (name: string, help: string, v: number | undefined) => {
      if (v !== undefined && Number.isFinite(v)) metric([name, "gauge", help], [["", v]]);
    };
    opt("monitor_drifted_share", "Share of drifted features in the last cycle.", last.driftedShare);
    opt(
      "monitor_champion_version",
      "The champion's version after the last cycle.",
      Number(last.championAfter),
    );
    opt(
      "monitor_champion_roc_auc",
      "The champion's ROC AUC on the last current sample.",
      last.championCurrentAuc,
    );
    if (last.triggers?.length) this.#triggerLines(last.triggers, metric);
    return out.join("\n") + "\n";
  }

  /** Each trigger's verdict, and its value and threshold where they are numbers. */
  #triggerLines(
    triggers: readonly TriggerSample[],
    metric: (head: [string, string, string], samples: [string, number][]) => void,
  ): void {
    const each = (pick: (t: TriggerSample) => number | null | undefined) =>
      triggers.flatMap((t): [string, number][] => {
        const v = pick(t);
        return typeof v === "number" && Number.isFinite(v) ? [[`{trigger="${t.name}"}`, v]] : [];
      });
    metric(
      ["monitor_trigger_fired", "gauge", "1 when the trigger fired in the last cycle."],
      each((t) => (t.fired ? 1 : 0)),
    );
    const values = each((t) => t.value), thresholds = each((t) => t.threshold);
    if (values.length) {
      metric(
        ["monitor_trigger_value", "gauge", "What the trigger measured in the last cycle."],
        values,
      );
    }
    if (thresholds.length) {
      metric(["monitor_trigger_threshold", "gauge", "Where the trigger fires."], thresholds);
    }
  }
}

/** A trigger as the last cycle measured it. */
type TriggerSample = NonNullable<CycleSummary["triggers"]>[number];

function format(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? "+Inf" : v < 0 ? "-Inf" : "NaN";
}
