/** A server instance as its own process (`deno run -A server/main.ts`), for the cluster test. */

/** A running instance. */
export interface Instance {
  readonly origin: string;
  readonly pid: number;
  /** Every log line it wrote so far. */
  readonly logs: string[];
  /** Kills it with this signal and waits for the exit. */
  kill(signal?: Deno.Signal): Promise<void>;
}

const DENO = new URL("../../node_modules/.bin/deno", import.meta.url).pathname;
const MAIN = new URL("../../server/main.ts", import.meta.url).pathname;

/** Starts an instance with `env` on a free port; resolves once it prints LISTENING. */
export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", MAIN],
    env: { PORT: "0", HOST: "127.0.0.1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs: string[] = [];
  void drain(child.stderr, (line) => logs.push(line));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("instance did not start")), 20_000);
    void drain(child.stdout, (line) => {
      const match = /^LISTENING (http:\/\/\S+)/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]);
    }).then(() => reject(new Error(`instance exited: ${logs.slice(-3).join(" | ")}`)));
  });
  let exited = false;
  const status = child.status.then(() => {
    exited = true;
  });
  return {
    origin,
    pid: child.pid,
    logs,
    async kill(signal = "SIGTERM") {
      if (!exited) child.kill(signal);
      await status;
    },
  };
}

async function drain(stream: ReadableStream<Uint8Array>, line: (text: string) => void) {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const bytes of stream) {
    const parts = (rest + decoder.decode(bytes, { stream: true })).split("\n");
    rest = parts.pop()!;
    parts.forEach(line);
  }
}
