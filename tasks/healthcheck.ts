/**
 * The image's `HEALTHCHECK`: exit 0 when the scheduler answers `/healthz` (or when the container
 * is not running the scheduler), 1 otherwise. The port comes from `HEALTH_PORT` (default 9464).
 * Deno lets only `--allow-all` read `/proc/1/cmdline`; the image runs it so.
 *
 * @module
 */

import { probeHealth } from "../lib/monitor/health_probe.ts";

if (import.meta.main) {
  const main = await Deno.readTextFile("/proc/1/cmdline").catch(() => "schedule");
  const result = await probeHealth(main, Number(Deno.env.get("HEALTH_PORT") ?? 9464));
  console.log(result.detail);
  Deno.exit(result.healthy ? 0 : 1);
}
