/**
 * A throwaway redis-server for the cluster test: Debian's binary (installed with apt when missing
 * and running as root), on a free loopback port, append-only file in a temporary directory, and
 * restartable on the same port and data.
 */

/** A running redis-server. */
export interface RedisProcess {
  readonly url: string;
  /** Stops it cleanly (SHUTDOWN flushes the append-only file). */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /**
   * Sends `signal` to it: SIGSTOP and SIGCONT stall and resume it; SIGKILL kills it with no
   * shutdown (what its append-only file already holds survives), and waits for the exit.
   */
  signal(signal: "SIGSTOP" | "SIGCONT" | "SIGKILL"): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** The redis-server binary, installing Debian's package when missing and allowed, or undefined. */
export async function findRedisServer(): Promise<string | undefined> {
  const found = await which("redis-server");
  if (found || Deno.uid?.() !== 0) return found;
  const apt = (args: string[]) =>
    new Deno.Command("apt-get", {
      args,
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdout: "null",
      stderr: "null",
    }).output();
  await apt(["update", "-qq"]);
  await apt(["install", "-y", "-qq", "--no-install-recommends", "redis-server"]);
  return await which("redis-server");
}

async function which(name: string): Promise<string | undefined> {
  try {
    const { success, stdout } = await new Deno.Command("sh", {
      args: ["-c", `command -v ${name}`],
      stdout: "piped",
    }).output();
    const path = new TextDecoder().decode(stdout).trim();
    return success && path ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Starts redis-server on a free port of 127.0.0.1. */
export async function startRedis(binary: string): Promise<RedisProcess> {
  const dir = await Deno.makeTempDir({ prefix: "sw-redis-" });
  const port = freePort();
  let child: Deno.ChildProcess | undefined;

  const start = async () => {
    child = new Deno.Command(binary, {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--dir",
        dir,
        "--daemonize",
        "no",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForPort(port, 5000);
  };
  const stop = async () => {
    if (!child) return;
    const running = child;
    child = undefined;
    running.kill("SIGCONT");
    running.kill("SIGTERM");
    const timer = setTimeout(() => running.kill("SIGKILL"), 5000);
    await running.status;
    clearTimeout(timer);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async signal(signal) {
      if (!child) return;
      const running = child;
      running.kill(signal);
      if (signal !== "SIGKILL") return;
      child = undefined;
      await running.status;
    },
    async close() {
      await stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** A port free now on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Deno.connect({ hostname: "127.0.0.1", port });
      // A PING answered means the server accepts commands (it may still be loading the AOF).
      await connection.write(new TextEncoder().encode("PING\r\n"));
      const buffer = new Uint8Array(64);
      const n = await connection.read(buffer);
      connection.close();
      if (n && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("+PONG")) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
