import { deepEqual } from "node:assert/strict";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { assertDecodes, decodeChunks } from "./decode-every-way.ts";

const bytes = (...parts: (string | number[])[]): Uint8Array => {
  const encoder = new TextEncoder();
  return new Uint8Array(
    parts.flatMap((part) => typeof part === "string" ? [...encoder.encode(part)] : part),
  );
};

Deno.test("decoder dispatches a data message on a blank line", () => {
  assertDecodes("data: hello\n\n", [{ data: "hello" }]);
});

Deno.test("decoder strips one leading BOM", () => {
  assertDecodes("\uFEFFdata: a\n\n", [{ data: "a" }]);
});

Deno.test("decoder strips a BOM split across chunks", () => {
  const { messages } = decodeChunks([
    new Uint8Array([0xef]),
    new Uint8Array([0xbb]),
    bytes([0xbf], "data: a\n\n"),
  ]);
  deepEqual(messages, [{ data: "a" }]);
});

Deno.test("decoder keeps a second leading BOM as part of the field name", () => {
  assertDecodes("\uFEFF\uFEFFdata: a\n\n", []);
});

Deno.test("decoder keeps a BOM that is not at the start of the stream", () => {
  assertDecodes("data: \uFEFFa\n\n", [{ data: "\uFEFFa" }]);
});

Deno.test("decoder ends lines at LF", () => {
  assertDecodes("data: a\ndata: b\n\n", [{ data: "a\nb" }]);
});

Deno.test("decoder ends lines at a lone CR", () => {
  assertDecodes("data: a\rdata: b\r\r", [{ data: "a\nb" }]);
});

Deno.test("decoder ends lines at CRLF", () => {
  assertDecodes("data: a\r\ndata: b\r\n\r\n", [{ data: "a\nb" }]);
});

Deno.test("decoder joins a CRLF split across chunks", () => {
  const { messages } = decodeChunks(["data: a\r", "\ndata: b\r", "\n\r", "\n"]);
  deepEqual(messages, [{ data: "a\nb" }]);
});

Deno.test("decoder treats CR CR as two line ends", () => {
  assertDecodes("data: a\r\rdata: b\n\n", [{ data: "a" }, { data: "b" }]);
});

Deno.test("decoder treats LF CR as two line ends", () => {
  assertDecodes("data: a\n\rdata: b\n\n", [{ data: "a" }, { data: "b" }]);
});

Deno.test("decoder dispatches at a chunk-final CR without waiting for the next chunk", () => {
  const decoder = createSseDecoder();
  deepEqual(decoder.push("data: a\n\r"), [{ data: "a" }]);
  deepEqual(decoder.push("\ndata: b\n\n"), [{ data: "b" }]);
});

Deno.test("decoder ignores comment lines", () => {
  assertDecodes(": hello\ndata: a\n:\n:data: b\n\n", [{ data: "a" }]);
});

Deno.test("decoder ignores a block of comments only", () => {
  assertDecodes(": keep-alive\n\n", []);
});

Deno.test("decoder reads a line without colon as a field with an empty value", () => {
  assertDecodes("data\n\n", [{ data: "" }]);
});

Deno.test("decoder removes one leading space from a value", () => {
  assertDecodes("data:  two\n\n", [{ data: " two" }]);
});

Deno.test("decoder reads a value without a leading space", () => {
  assertDecodes("data:none\n\n", [{ data: "none" }]);
});

Deno.test("decoder keeps colons after the first in the value", () => {
  assertDecodes("data: a: b:c\n\n", [{ data: "a: b:c" }]);
});

Deno.test("decoder ignores unknown fields", () => {
  assertDecodes("foo: bar\nDATA: x\ndata : y\ndata: z\n\n", [{ data: "z" }]);
});

Deno.test("decoder keeps NUL and U+2028 in data", () => {
  assertDecodes("data: a\0b\u2028c\n\n", [{ data: "a\0b\u2028c" }]);
});

Deno.test("decoder ignores an id containing NUL", () => {
  assertDecodes("id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n", [
    { data: "a", id: "1" },
    { data: "b", id: "1" },
  ], { lastEventId: "1" });
});

Deno.test("decoder sets retry from an all-digits value", () => {
  assertDecodes("retry: 1500\ndata: a\n\n", [{ data: "a", retry: 1500 }], {
    reconnectionTime: 1500,
  });
});

Deno.test("decoder ignores a retry that is not all ASCII digits", () => {
  assertDecodes(
    "retry: -1\nretry: 1.5\nretry: 10a\nretry: 1e3\nretry:\nretry:  5\nretry: \uFF15\ndata: a\n\n",
    [{ data: "a" }],
  );
});

Deno.test("decoder keeps the last of several retry fields", () => {
  assertDecodes("retry: 10\nretry: 0\ndata: a\n\n", [{ data: "a", retry: 0 }], {
    reconnectionTime: 0,
  });
});

Deno.test("decoder reports retry only on the first message after it", () => {
  assertDecodes("retry: 5\ndata: a\n\ndata: b\n\n", [{ data: "a", retry: 5 }, { data: "b" }], {
    reconnectionTime: 5,
  });
});

Deno.test("decoder keeps a retry sent in a block of its own as the reconnection time", () => {
  assertDecodes("retry: 2000\n\ndata: a\n\n", [{ data: "a" }], { reconnectionTime: 2000 });
});

Deno.test("decoder joins multi-line data with LF", () => {
  assertDecodes("data: a\ndata:\ndata: b\n\n", [{ data: "a\n\nb" }]);
});

Deno.test("decoder removes only the final LF of the data buffer", () => {
  assertDecodes("data: a\ndata:\n\n", [{ data: "a\n" }]);
});

Deno.test("decoder does not dispatch an event with an empty data buffer", () => {
  assertDecodes("event: x\n\n", []);
});

Deno.test("decoder updates the last event id from an event without data", () => {
  assertDecodes("id: 5\n\n", [], { lastEventId: "5" });
});

Deno.test("decoder puts the id of an event without data on the next message", () => {
  assertDecodes("id: 5\n\ndata: a\n\n", [{ data: "a", id: "5" }], { lastEventId: "5" });
});

Deno.test("decoder carries the last event id across later events", () => {
  assertDecodes("id: 1\ndata: a\n\ndata: b\n\n", [{ data: "a", id: "1" }, { data: "b", id: "1" }], {
    lastEventId: "1",
  });
});

Deno.test("decoder resets the last event id on an id field with an empty value", () => {
  assertDecodes("id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\n\nid:\ndata: c\n\n", [
    { data: "a", id: "1" },
    { data: "b" },
    { data: "c" },
  ]);
});

Deno.test("decoder applies the event field to that message only", () => {
  assertDecodes("event: x\ndata: a\n\ndata: b\n\n", [{ data: "a", event: "x" }, { data: "b" }]);
});

Deno.test("decoder omits an empty event field", () => {
  assertDecodes("event: x\nevent:\ndata: a\n\n", [{ data: "a" }]);
});

Deno.test("decoder drops an unterminated event at the end of the stream", () => {
  assertDecodes("data: a\n\ndata: b\n", [{ data: "a" }]);
});

Deno.test("decoder drops an unterminated line at the end of the stream", () => {
  assertDecodes("data: a\n\ndata: b", [{ data: "a" }]);
});

Deno.test("decoder keeps the last event id of an unterminated event out of the cursor", () => {
  assertDecodes("id: 1\ndata: a\n\nid: 2\ndata: b\n", [{ data: "a", id: "1" }], {
    lastEventId: "1",
  });
});

Deno.test("decoder decodes invalid UTF-8 as U+FFFD", () => {
  assertDecodes(bytes("data: a", [0xff], "b", [0xe2, 0x82], "\n\n"), [{
    data: "a\uFFFDb\uFFFD",
  }]);
});

Deno.test("decoder decodes multi-byte characters split across chunks", () => {
  assertDecodes("data: é€😀\n\n", [{ data: "é€😀" }]);
});

Deno.test("decoder ends without error on a truncated UTF-8 sequence", () => {
  assertDecodes(bytes("data: a\n\ndata: ", [0xf0, 0x9f]), [{ data: "a" }]);
});

Deno.test("decoder reads string chunks like bytes", () => {
  const input = "\uFEFFid: 1\r\ndata: a\u2028\rdata: 😀\n\n";
  const bytewise = decodeChunks([new TextEncoder().encode(input)]);
  const units = [...Array(input.length).keys()].map((i) => input[i]);
  deepEqual(decodeChunks(units), bytewise);
  deepEqual(bytewise.messages, [{ data: "a\u2028\n😀", id: "1" }]);
});

Deno.test("decoder turns a byte sequence cut short by a string chunk into U+FFFD", () => {
  const { messages } = decodeChunks([bytes("data: a", [0xe2, 0x82]), "b\n\n"]);
  deepEqual(messages, [{ data: "a\uFFFDb" }]);
});

Deno.test("decoder reads a new stream after end, keeping the cursor and retry", () => {
  const decoder = createSseDecoder();
  deepEqual(decoder.push("retry: 300\nid: 7\ndata: a\n\nid: 8\ndata: partial\r"), [
    { data: "a", retry: 300, id: "7" },
  ]);
  deepEqual(decoder.end(), []);
  deepEqual(decoder.push("\uFEFFdata: b\n\n"), [{ data: "b", id: "7" }]);
  deepEqual([decoder.lastEventId, decoder.reconnectionTime], ["7", 300]);
});
