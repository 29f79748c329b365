/**
 * Reads the AI SDK's UI message stream (the peer, bench/peer-server.mjs) as the load client reads
 * the server's events: a text delta is a `content_chunk` stamped with its provider metadata's
 * `bench.ts`, `finish` is `stream_done`; every part gets the next seq, as the server numbers its
 * events. The closing `[DONE]` line is not an event.
 */

/** The fields of a StreamEvent the load client reads. */
export interface MeasuredEvent {
  type: string;
  seq: number;
  ts?: number;
  panel: string;
  content: string;
  metadata?: Record<string, unknown>;
}

/** A UI message stream part as an event, or undefined for `[DONE]`; `seq` is the part's number. */
export function fromUiMessage(data: string, seq: number): MeasuredEvent | undefined {
  if (data === "[DONE]") return undefined;
  const part = JSON.parse(data);
  const base = { seq, panel: "chat", content: "" };
  switch (part.type) {
    case "text-delta":
      return {
        ...base,
        type: "content_chunk",
        ts: part.providerMetadata?.bench?.ts,
        content: part.delta,
      };
    case "finish":
      return { ...base, type: "stream_done", metadata: { finish_reason: part.finishReason } };
    case "error":
      return { ...base, type: "error", metadata: { error_code: part.errorText } };
    default:
      return { ...base, type: part.type };
  }
}
