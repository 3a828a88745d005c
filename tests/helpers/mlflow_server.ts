/**
 * A real `mlflow server` for tests (the pinned MLflow in `.venv`): a SQLite backend store and a
 * served artifact folder, on a free loopback port; stopped with its whole process group.
 *
 * @module
 */

import { join } from "node:path";
import { PYTHON } from "./python.ts";
import { freePort } from "./redis_server.ts";

/** A running tracking server. */
export class MlflowServer {
  readonly url: string;
  /** Its backend database file. */
  readonly db: string;
  /** Its served artifact folder. */
  readonly artifacts: string;
  #child: Deno.ChildProcess;

  private constructor(url: string, o: { db: string; artifacts: string }, child: Deno.ChildProcess) {
    this.url = url;
    this.db = o.db;
    this.artifacts = o.artifacts;
    this.#child = child;
  }

  /** Starts it again on the same port, database and artifacts (after {@link stop}). */
  async restart(): Promise<void> {
    const again = await MlflowServer.start({
      db: this.db,
      artifacts: this.artifacts,
      port: Number(new URL(this.url).port),
    });
    this.#child = again.#child;
  }

  /** Starts a server over `db` (created when missing), artifacts served from `artifacts`. */
  static async start(o: { db: string; artifacts: string; port?: number }): Promise<MlflowServer> {
    const port = o.port ?? freePort();
    const mlflow = join(PYTHON, "..", "mlflow");
    const child = new Deno.Command("setsid", {
      args: [
        mlflow,
        "server",
        "--backend-store-uri",
        `sqlite:///${o.db}`,
        "--artifacts-destination",
        o.artifacts,
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--workers",
        "1",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 240; i++) {
      const ok = await fetch(`${url}/health`).then((r) => r.ok).catch(() => false);
      if (ok) return new MlflowServer(url, o, child);
      await new Promise((r) => setTimeout(r, 250));
    }
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch { /* gone */ }
    throw new Error(`mlflow server on port ${port} did not answer /health within 60 s`);
  }

  /** Stops the server and its workers. */
  async stop(): Promise<void> {
    try {
      Deno.kill(-this.#child.pid, "SIGKILL");
    } catch { /* gone */ }
    await this.#child.status;
  }
}
