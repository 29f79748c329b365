/**
 * SSE decoder following the WHATWG HTML "parse an event stream" and "dispatch the event" rules,
 * fed chunk by chunk. Pure: no I/O, only `TextDecoder`.
 */

/** One dispatched SSE message. */
export interface SseMessage {
  /** The data buffer, its lines joined with LF. */
  data: string;
  /** The `event` field, when non-empty. */
  event?: string;
  /** The last-event-id buffer at dispatch, when non-empty. */
  id?: string;
  /** A valid `retry` value that arrived since the previous dispatch. */
  retry?: number;
}

/** An incremental SSE parser over one stream's bytes (or already-decoded text). */
export interface SseDecoder {
  /** Feeds one chunk; returns the messages it completed. */
  push(chunk: Uint8Array | string): SseMessage[];
  /**
   * Ends the stream: an unterminated event is dropped, as the spec requires. The decoder can
   * then read a new stream (a reconnection), keeping `lastEventId` and `reconnectionTime`.
   */
  end(): SseMessage[];
  /** The last event id string: the id buffer at the latest dispatch ("" when none). */
  readonly lastEventId: string;
  /** The latest valid `retry` value in milliseconds, if any. */
  readonly reconnectionTime: number | undefined;
}

// A CRLF inside one chunk is matched whole; one split across chunks is handled by `skipLf`.
// Shared by all decoders: `lastIndex` is only used within one synchronous scan.
const LINE_END = /\r\n?|\n/g;
const DIGITS = /^[0-9]+$/;

/** Creates an SSE decoder. */
export function createSseDecoder(): SseDecoder {
  // The BOM is stripped by hand (not by TextDecoder) so string chunks follow the same rule.
  const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  let atStreamStart = true;
  let skipLf = false;
  let partialLine = "";
  let data = "";
  let hasData = false;
  let eventType = "";
  let idBuffer = "";
  let lastEventId = "";
  let retry: number | undefined;
  let reconnectionTime: number | undefined;

  function dispatch(out: SseMessage[]): void {
    lastEventId = idBuffer;
    if (hasData) {
      // Per the spec, the data buffer's trailing LF is removed; `data` holds the lines joined.
      const message: SseMessage = { data };
      if (eventType !== "") message.event = eventType;
      if (lastEventId !== "") message.id = lastEventId;
      if (retry !== undefined) message.retry = retry;
      out.push(message);
    }
    data = "";
    hasData = false;
    eventType = "";
    retry = undefined;
  }

  // Per the spec, fields other than these four are ignored.
  function processField(field: string, value: string): void {
    switch (field) {
      case "event":
        eventType = value;
        break;
      case "data":
        data = hasData ? `${data}\n${value}` : value;
        hasData = true;
        break;
      case "id":
        if (!value.includes("\0")) idBuffer = value;
        break;
      case "retry":
        if (DIGITS.test(value)) retry = reconnectionTime = Number(value);
        break;
    }
  }

  function processLine(line: string, out: SseMessage[]): void {
    if (line === "") return dispatch(out);
    if (line.charCodeAt(0) === 0x3a) return; // A line starting with ':' is a comment.
    const colon = line.indexOf(":");
    if (colon === -1) return processField(line, "");
    const start = line.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
    processField(line.slice(0, colon), line.slice(start));
  }

  function processText(text: string, out: SseMessage[]): void {
    if (text === "") return;
    let start = 0;
    if (atStreamStart) {
      atStreamStart = false;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    if (skipLf) {
      skipLf = false;
      if (text.charCodeAt(start) === 0x0a) start += 1;
    }
    // Only the new text is scanned, so a long line arriving in many chunks costs linear time.
    LINE_END.lastIndex = start;
    for (let match = LINE_END.exec(text); match !== null; match = LINE_END.exec(text)) {
      const line = partialLine + text.slice(start, match.index);
      partialLine = "";
      start = LINE_END.lastIndex;
      // A CR ending the chunk may be the first half of a CRLF: the next chunk's LF is skipped.
      if (start === text.length && match[0] === "\r") skipLf = true;
      processLine(line, out);
    }
    partialLine += text.slice(start);
  }

  return {
    push(chunk) {
      const out: SseMessage[] = [];
      // A string cannot continue a split byte sequence: flushing turns it into U+FFFD first.
      const text = typeof chunk === "string"
        ? utf8.decode() + chunk
        : utf8.decode(chunk, { stream: true });
      processText(text, out);
      return out;
    },
    end() {
      // Flushing yields at most U+FFFD, never a line end, so nothing more can be dispatched.
      utf8.decode();
      atStreamStart = true;
      skipLf = false;
      partialLine = "";
      data = "";
      hasData = false;
      eventType = "";
      idBuffer = lastEventId;
      retry = undefined;
      return [];
    },
    get lastEventId() {
      return lastEventId;
    },
    get reconnectionTime() {
      return reconnectionTime;
    },
  };
}
