/**
 * One SSE response over a raw TCP connection: writes an HTTP/1.1 request, reads the response
 * with the incremental reader and the protocol's SSE decoder, and reports each read's messages
 * with its receipt time. Lower client overhead than `fetch`, and the socket can be cut at will.
 */
import { createSseDecoder, type SseMessage } from "../../protocol/sse-decode.ts";
import { createResponseReader, type ResponseHead } from "./http-chunked.ts";

/** Epoch milliseconds with sub-millisecond precision, comparable with the server's `Date.now()`. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The request that opens a stream. */
export interface StreamRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** How a stream ended. */
export interface StreamOutcome {
  head?: ResponseHead;
  /** Every byte read from the socket, head and transfer framing included. */
  wireBytes: number;
  /** `end`: the response body ended; `closed`: the socket closed first; `cut`: we closed it. */
  ending: "end" | "closed" | "cut" | "error";
  error?: string;
}

/** Callbacks of one stream. */
export interface StreamHandlers {
  /** The response head arrived. */
  onHead?(head: ResponseHead, at: number): void;
  /**
   * One socket read completed these messages at epoch time `at`; `retry` is the stream's latest
   * `retry:` value.
   */
  onMessages(messages: SseMessage[], at: number, retry: number | undefined): void;
}

const encoder = new TextEncoder();

/** Opens a stream; resolves when it ends. Aborting `signal` cuts the connection. */
export async function openStream(
  origin: URL,
  request: StreamRequest,
  handlers: StreamHandlers,
  signal?: AbortSignal,
): Promise<StreamOutcome> {
  const outcome: StreamOutcome = { wireBytes: 0, ending: "closed" };
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: origin.hostname, port: Number(origin.port) });
  } catch (error) {
    return { ...outcome, ending: "error", error: `connect: ${(error as Error).name}` };
  }
  const cut = () => {
    outcome.ending = "cut";
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  if (signal?.aborted) cut();
  signal?.addEventListener("abort", cut, { once: true });
  try {
    conn.setNoDelay(true);
    const body = request.body === undefined ? undefined : encoder.encode(request.body);
    const lines = [
      `${request.method} ${request.path} HTTP/1.1`,
      `Host: ${origin.host}`,
      "Accept: text/event-stream",
      "Connection: close",
      ...Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ...(body ? ["Content-Type: application/json", `Content-Length: ${body.length}`] : []),
    ];
    const head = encoder.encode(`${lines.join("\r\n")}\r\n\r\n`);
    await writeAll(conn, body ? concat(head, body) : head);
    const reader = createResponseReader();
    const decoder = createSseDecoder();
    // Small: thousands of streams are open at once, each with its own buffer.
    const buffer = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      const at = epochNow();
      outcome.wireBytes += n;
      const result = reader.push(buffer.subarray(0, n));
      if (result.head) {
        outcome.head = result.head;
        handlers.onHead?.(result.head, at);
      }
      for (const piece of result.body) {
        const messages = decoder.push(piece);
        if (messages.length > 0) handlers.onMessages(messages, at, decoder.reconnectionTime);
      }
      if (result.done) {
        outcome.ending = "end";
        break;
      }
    }
  } catch (error) {
    if (outcome.ending !== "cut") {
      outcome.ending = "error";
      outcome.error = (error as Error).name;
    }
  } finally {
    signal?.removeEventListener("abort", cut);
    if (outcome.ending !== "cut") {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }
  return outcome;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
