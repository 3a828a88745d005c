/**
 * Real redis-server processes for tests, on free loopback ports: a single server (optionally
 * with a password and persistence), restartable, and a 3-master Redis Cluster.
 *
 * @module
 */

import { freePort } from "../../tasks/bench/_proc.ts";

export { freePort };

async function waitPing(port: number, password?: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const args = [
      "-p",
      String(port),
      ...(password ? ["-a", password, "--no-auth-warning"] : []),
      "ping",
    ];
    const out = await new Deno.Command("redis-cli", { args, stdout: "piped", stderr: "null" })
      .output();
    if (new TextDecoder().decode(out.stdout).includes("PONG")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

/** A running redis-server. */
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  readonly password?: string;
  readonly #extra: string[];
  #child?: Deno.ChildProcess;

  private constructor(port: number, dir: string, extra: string[], password?: string) {
    this.port = port;
    this.dir = dir;
    this.#extra = extra;
    if (password !== undefined) this.password = password;
  }

  /** Starts a server on a free port (RDB persistence in a temp dir, so restarts keep data). */
  static async start(options: { password?: string; extra?: string[] } = {}): Promise<RedisServer> {
    const s = new RedisServer(
      freePort(),
      await Deno.makeTempDir(),
      options.extra ?? [],
      options.password,
    );
    await s.#spawn();
    return s;
  }

  async #spawn(): Promise<void> {
    const args = [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--dir",
      this.dir,
      "--save",
      "",
      "--appendonly",
      "no",
      ...(this.password ? ["--requirepass", this.password] : []),
      ...this.#extra,
    ];
    this.#child = new Deno.Command("redis-server", { args, stdout: "null", stderr: "null" })
      .spawn();
    await waitPing(this.port, this.password);
  }

  /**
   * Stops, waits `downMs`, and starts again: with the same data (saved first), or empty
   * (`empty: true`, as a restart without persistence or a failover to an empty replica).
   */
  async restart(downMs = 300, options: { empty?: boolean } = {}): Promise<void> {
    if (!options.empty) await this.cli(["SAVE"]);
    this.#child?.kill("SIGTERM");
    await this.#child?.status;
    if (options.empty) await Deno.remove(`${this.dir}/dump.rdb`).catch(() => {});
    await new Promise((r) => setTimeout(r, downMs));
    await this.#spawn();
  }

  /** Waits until the server has answered at least `n` calls of `command` (e.g. "scan"). */
  async waitForCalls(command: string, n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const stats = await this.cli(["INFO", "commandstats"]);
      const calls = Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      if (calls >= n) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`redis-server on port ${this.port} saw fewer than ${n} ${command} calls`);
  }

  /** Runs redis-cli against this server; returns stdout. */
  async cli(args: string[]): Promise<string> {
    const auth = this.password ? ["-a", this.password, "--no-auth-warning"] : [];
    const out = await new Deno.Command("redis-cli", {
      args: ["-p", String(this.port), ...auth, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  }

  /** Stops the server (for good) and removes its data. */
  async stop(): Promise<void> {
    try {
      this.#child?.kill("SIGKILL");
    } catch { /* already gone */ }
    await this.#child?.status;
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

/** A 3-master Redis Cluster made with `redis-cli --cluster create`. */
export class RedisCluster {
  readonly servers: RedisServer[];

  private constructor(servers: RedisServer[]) {
    this.servers = servers;
  }

  /** `host:port` of every node. */
  get nodes(): string[] {
    return this.servers.map((s) => `127.0.0.1:${s.port}`);
  }

  static async start(): Promise<RedisCluster> {
    const servers: RedisServer[] = [];
    for (let i = 0; i < 3; i++) {
      servers.push(
        await RedisServer.start({
          extra: ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${i}.conf`],
        }),
      );
    }
    const c = new RedisCluster(servers);
    const out = await new Deno.Command("redis-cli", {
      args: ["--cluster", "create", ...c.nodes, "--cluster-replicas", "0", "--cluster-yes"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) {
      throw new Error(`cluster create failed: ${new TextDecoder().decode(out.stdout)}`);
    }
    // Every master, not only the first: one that has not yet heard the slot map answers
    // CLUSTERDOWN.
    for (let i = 0; i < 100; i++) {
      const infos = await Promise.all(servers.map((s) => s.cli(["cluster", "info"])));
      if (infos.every((info) => info.includes("cluster_state:ok"))) return c;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("cluster did not become ok");
  }

  async stop(): Promise<void> {
    for (const s of this.servers) await s.stop();
  }
}
