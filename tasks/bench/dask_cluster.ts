/**
 * A real Dask cluster for the tests and bench:dask: `dask scheduler` and `dask worker` processes
 * from the project's
 * `.venv`, on free loopback ports, each worker with one thread and its own folder, without a nanny
 * (so killing a worker kills it, as a machine lost).
 *
 * @module
 */

import { join } from "node:path";
import { freePort } from "./_proc.ts";

/** A scheduler and its workers. */
export class DaskCluster {
  readonly address: string;
  readonly #scheduler: Deno.ChildProcess;
  readonly #workers: Deno.ChildProcess[];

  private constructor(address: string, scheduler: Deno.ChildProcess, workers: Deno.ChildProcess[]) {
    this.address = address;
    this.#scheduler = scheduler;
    this.#workers = workers;
  }

  /** Starts a scheduler and `workers` workers, and waits until every worker has registered. */
  static async start(o: { workers: number; dir: string; python: string }): Promise<DaskCluster> {
    const port = freePort(), address = `tcp://127.0.0.1:${port}`;
    const dask = join(o.python, "..", "dask");
    const spawn = (args: string[]) =>
      new Deno.Command(dask, { args, stdout: "null", stderr: "piped" }).spawn();
    const scheduler = spawn([
      "scheduler",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--no-dashboard",
    ]);
    let log = "";
    (async () => {
      for await (const chunk of scheduler.stderr.pipeThrough(new TextDecoderStream())) log += chunk;
    })();
    const workers = Array.from({ length: o.workers }, (_, i) =>
      spawn([
        ...[
          "worker",
          address,
          "--nthreads",
          "1",
          "--no-nanny",
          "--no-dashboard",
          "--name",
          `w${i}`,
        ],
        ...["--local-directory", join(o.dir, `worker-${i}`)],
      ]));
    for (const w of workers) w.stderr.pipeTo(new WritableStream()).catch(() => {});
    const cluster = new DaskCluster(address, scheduler, workers);
    for (let i = 0; i < 600; i++) {
      if ((log.match(/Register worker/g) ?? []).length >= o.workers) return cluster;
      await new Promise((r) => setTimeout(r, 50));
    }
    await cluster.stop();
    throw new Error(`the Dask cluster did not come up:\n${log}`);
  }

  /** The workers' process ids (without a nanny, the workers themselves). */
  get workerPids(): number[] {
    return this.#workers.map((w) => w.pid);
  }

  /** Kills worker `i` at once (SIGKILL), as a machine lost. */
  killWorker(i: number): void {
    try {
      this.#workers[i]!.kill("SIGKILL");
    } catch { /* gone */ }
  }

  /** Stops every process. */
  async stop(): Promise<void> {
    for (const p of [...this.#workers, this.#scheduler]) {
      try {
        p.kill("SIGTERM");
      } catch { /* gone */ }
      await p.status;
    }
  }
}
