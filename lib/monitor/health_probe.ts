/**
 * The container health probe of the scheduler: asks `/healthz`, but only in a container whose
 * main process is the scheduler (a one-off `train` or `drift` container has nothing to probe and
 * is reported healthy).
 *
 * @module
 */

/** What the probe found. */
export interface ProbeResult {
  readonly healthy: boolean;
  readonly detail: string;
}

/**
 * Probes `http://127.0.0.1:<port>/healthz` when `mainCommand` (PID 1's command line, NUL-separated
 * words) runs the scheduler.
 */
export async function probeHealth(mainCommand: string, port: number): Promise<ProbeResult> {
  const words = mainCommand.split("\0");
  if (!words.includes("schedule") && !words.some((w) => w.endsWith("tasks/schedule.ts"))) {
    return { healthy: true, detail: "not the scheduler: nothing to probe" };
  }
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(4000),
    });
    const body = await res.text();
    return { healthy: res.ok, detail: `/healthz ${res.status} ${body.trim()}` };
  } catch (error) {
    return {
      healthy: false,
      detail: `/healthz unreachable: ${error instanceof Error ? error.message : error}`,
    };
  }
}
