/** Runs the SSE decoder over one input fed whole, byte by byte and split at every offset. */
import { deepEqual } from "node:assert/strict";
import { createSseDecoder, type SseMessage } from "../../protocol/sse-decode.ts";

/** What a decoder produced over a whole stream, `end()` included. */
export interface Decoded {
  messages: SseMessage[];
  lastEventId: string;
  reconnectionTime: number | undefined;
}

/** Feeds the chunks to a fresh decoder, then ends the stream. */
export function decodeChunks(chunks: Iterable<Uint8Array | string>): Decoded {
  const decoder = createSseDecoder();
  const messages: SseMessage[] = [];
  for (const chunk of chunks) messages.push(...decoder.push(chunk));
  messages.push(...decoder.end());
  return {
    messages,
    lastEventId: decoder.lastEventId,
    reconnectionTime: decoder.reconnectionTime,
  };
}

function* byteByByte(bytes: Uint8Array): Iterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

/**
 * Asserts the exact messages and final state for the input fed whole, one byte at a time, and in
 * two chunks split at every byte offset (so every CRLF, BOM and UTF-8 sequence gets split).
 */
export function assertDecodes(
  input: string | Uint8Array,
  messages: SseMessage[],
  { lastEventId = "", reconnectionTime = undefined as number | undefined } = {},
): void {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const expected: Decoded = { messages, lastEventId, reconnectionTime };
  deepEqual(decodeChunks([bytes]), expected, "fed whole");
  deepEqual(decodeChunks(byteByByte(bytes)), expected, "fed one byte at a time");
  for (let offset = 0; offset <= bytes.length; offset++) {
    const split = [bytes.subarray(0, offset), bytes.subarray(offset)];
    deepEqual(decodeChunks(split), expected, `split at byte ${offset}`);
  }
}
