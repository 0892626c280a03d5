/**
 * Starting a real Tendril node as a child process on 127.0.0.1, with its own
 * data directory and a free port: used by the demo (`npm run demo`) and, via
 * test/helpers/node-process.ts, by the multi-node tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** A free TCP port on loopback, chosen by the OS (port 0). */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface NodeOptions {
  readonly handle: string;
  readonly name?: string;
  readonly dataDir?: string;
  readonly port?: number;
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
}

/** A real Tendril node process on 127.0.0.1 with its own data directory. */
export class NodeProcess {
  readonly handle: string;
  readonly dataDir: string;
  readonly port: number;
  readonly origin: string;
  /** The admin token printed on first start; carried over restarts by the caller. */
  token = "";
  output = "";
  #child: ChildProcess | null = null;
  readonly #options: NodeOptions;

  constructor(options: NodeOptions & { port: number; dataDir: string }) {
    this.#options = options;
    this.handle = options.handle;
    this.dataDir = options.dataDir;
    this.port = options.port;
    this.origin = `http://127.0.0.1:${options.port}`;
  }

  get actorUrl(): string {
    return `${this.origin}/actors/${this.handle}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const args = [
      "--import",
      "tsx",
      join(ROOT, "src/server.ts"),
      "--port",
      String(this.port),
      "--host",
      "127.0.0.1",
      "--origin",
      this.origin,
      "--data-dir",
      this.dataDir,
      "--handle",
      this.handle,
      "--name",
      this.#options.name ?? `Community ${this.handle}`,
      "--log-level",
      process.env.TENDRIL_TEST_LOG_LEVEL ?? "warn",
      ...(this.#options.args ?? []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...this.#options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`node ${this.handle} did not start:\n${this.output}`)), 90_000);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const token = /Admin token \(shown once, keep it safe\): (\S+)/.exec(this.output);
        if (token?.[1]) this.token = token[1];
        if (this.output.includes("listening on")) {
          clearTimeout(timer);
          done();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", (c: Buffer) => {
        this.output += c.toString();
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`node ${this.handle} exited with ${code}:\n${this.output}`));
      });
    });
  }

  /** Graceful stop (SIGTERM) or a crash (SIGKILL). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    child.kill(signal);
    const code = await exited;
    this.#child = null;
    return code;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** fetch against this node, with the admin token when `admin` is set. */
  async api(path: string, init: RequestInit & { admin?: boolean; json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.admin !== false) headers.set("authorization", `Bearer ${this.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    return fetch(new URL(path, this.origin), { ...init, headers, body });
  }

  async getJson<T = any>(path: string, accept = "application/json"): Promise<T> {
    const response = await this.api(path, { headers: { accept } });
    if (!response.ok) throw new Error(`GET ${path} → ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }
}
