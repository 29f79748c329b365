/**
 * Incremental HTTP/1.1 response reader: status line and headers, then the body as sent
 * (chunked transfer coding, Content-Length, or until close). Pure: bytes in, body bytes out, so
 * the load client can read raw sockets with less overhead than `fetch`.
 */

/** The parsed response head. */
export interface ResponseHead {
  status: number;
  headers: Map<string, string>;
}

/** What one `push` produced: the head once it is complete, body pieces, and whether the body ended. */
export interface ReadResult {
  head?: ResponseHead;
  body: Uint8Array[];
  done: boolean;
}

/** A response reader fed socket reads in order. */
export interface ResponseReader {
  push(bytes: Uint8Array): ReadResult;
}

const CR = 0x0d;
const LF = 0x0a;

type State =
  | { kind: "head" }
  | { kind: "size" }
  | { kind: "data"; left: number }
  | { kind: "data-end"; left: number }
  | { kind: "trailer" }
  | { kind: "length"; left: number }
  | { kind: "close" }
  | { kind: "done" };

/** Creates a reader for one response. */
export function createResponseReader(): ResponseReader {
  const latin1 = new TextDecoder("latin1");
  let state: State = { kind: "head" };
  // Bytes of an unfinished head or chunk-size line.
  let pending = new Uint8Array(0);

  function takeLine(bytes: Uint8Array, from: number): { line: string; next: number } | undefined {
    const lf = bytes.indexOf(LF, from);
    if (lf === -1) return undefined;
    const end = lf > from && bytes[lf - 1] === CR ? lf - 1 : lf;
    return { line: latin1.decode(bytes.subarray(from, end)), next: lf + 1 };
  }

  function parseHead(text: string): ResponseHead {
    const [statusLine, ...lines] = text.split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon > 0) {
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    return { status, headers };
  }

  function bodyState(head: ResponseHead): State {
    if (/chunked/i.test(head.headers.get("transfer-encoding") ?? "")) return { kind: "size" };
    const length = head.headers.get("content-length");
    if (length !== undefined) {
      return Number(length) === 0 ? { kind: "done" } : { kind: "length", left: Number(length) };
    }
    return { kind: "close" };
  }

  return {
    push(chunk) {
      const out: ReadResult = { body: [], done: false };
      let bytes = chunk;
      if (pending.length > 0) {
        bytes = new Uint8Array(pending.length + chunk.length);
        bytes.set(pending);
        bytes.set(chunk, pending.length);
        pending = new Uint8Array(0);
      }
      let at = 0;
      while (at < bytes.length && state.kind !== "done") {
        switch (state.kind) {
          case "head": {
            const end = findHeadEnd(bytes, at);
            if (end === -1) {
              pending = bytes.slice(at);
              return out;
            }
            out.head = parseHead(latin1.decode(bytes.subarray(at, end)));
            at = end + 4;
            state = bodyState(out.head);
            break;
          }
          case "size": {
            const taken = takeLine(bytes, at);
            if (!taken) {
              pending = bytes.slice(at);
              return out;
            }
            at = taken.next;
            // Chunk extensions after ';' are ignored.
            const size = parseInt(taken.line.split(";")[0], 16);
            state = size === 0 ? { kind: "trailer" } : { kind: "data", left: size };
            break;
          }
          case "data": {
            const n = Math.min(state.left, bytes.length - at);
            out.body.push(bytes.subarray(at, at + n));
            at += n;
            state = state.left === n
              ? { kind: "data-end", left: 2 }
              : { kind: "data", left: state.left - n };
            break;
          }
          case "data-end": {
            // The CRLF after a chunk's data, possibly split across reads.
            const n = Math.min(state.left, bytes.length - at);
            at += n;
            state = state.left === n
              ? { kind: "size" }
              : { kind: "data-end", left: state.left - n };
            break;
          }
          case "trailer": {
            const taken = takeLine(bytes, at);
            if (!taken) {
              pending = bytes.slice(at);
              return out;
            }
            at = taken.next;
            if (taken.line === "") state = { kind: "done" };
            break;
          }
          case "length": {
            const n = Math.min(state.left, bytes.length - at);
            out.body.push(bytes.subarray(at, at + n));
            at += n;
            state = state.left === n ? { kind: "done" } : { kind: "length", left: state.left - n };
            break;
          }
          case "close":
            out.body.push(bytes.subarray(at));
            at = bytes.length;
            break;
        }
      }
      out.done = state.kind === "done";
      return out;
    },
  };
}

function findHeadEnd(bytes: Uint8Array, from: number): number {
  for (
    let i = bytes.indexOf(CR, from);
    i !== -1 && i + 3 < bytes.length;
    i = bytes.indexOf(CR, i + 1)
  ) {
    if (bytes[i + 1] === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) return i;
  }
  return -1;
}
