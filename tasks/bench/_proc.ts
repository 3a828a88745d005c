/**
 * What the benchmarks ask of the machine: a free loopback port for a server they start, and a
 * process's resident memory from /proc.
 *
 * @module
 */

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A memory field of a process's /proc status (`VmRSS`, `VmHWM`, …) in MiB; NaN when absent. */
export function statusMb(pid: number | "self", field: string): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}
