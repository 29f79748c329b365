import assert from "node:assert/strict";
import { createResponseReader } from "./http-chunked.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Feeds `wire` split at `cut` and returns the status, the body text and whether it ended. */
function read(wire: string, cut: number) {
  const reader = createResponseReader();
  const bytes = encoder.encode(wire);
  let status: number | undefined;
  let body = "";
  let done = false;
  for (const piece of [bytes.subarray(0, cut), bytes.subarray(cut)]) {
    const result = reader.push(piece);
    status ??= result.head?.status;
    for (const part of result.body) body += decoder.decode(part);
    done ||= result.done;
  }
  return { status, body, done };
}

const CHUNKED =
  "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n" +
  "d\r\nretry: 1000\n\n\r\n" + '1c;ext=1\r\ndata: {"type":"heartbeat"}\n\n\r\n' + "0\r\n\r\n";

Deno.test("response reader decodes a chunked body split at every offset", () => {
  for (let cut = 0; cut <= CHUNKED.length; cut++) {
    assert.deepEqual(read(CHUNKED, cut), {
      status: 200,
      body: 'retry: 1000\n\ndata: {"type":"heartbeat"}\n\n',
      done: true,
    }, `cut at ${cut}`);
  }
});

Deno.test("response reader ends a Content-Length body after that many bytes", () => {
  const wire = 'HTTP/1.1 404 Not Found\r\ncontent-length: 11\r\n\r\n{"error":1}';
  for (let cut = 0; cut <= wire.length; cut++) {
    assert.deepEqual(read(wire, cut), { status: 404, body: '{"error":1}', done: true });
  }
});

Deno.test("response reader passes a close-delimited body through without ending it", () => {
  assert.deepEqual(read("HTTP/1.1 200 OK\r\n\r\ndata: x\n\n", 5), {
    status: 200,
    body: "data: x\n\n",
    done: false,
  });
});
