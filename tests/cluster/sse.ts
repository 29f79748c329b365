/** Reading an SSE response event by event, for tests that stop or compare mid-stream. */
import type { SequencedEvent } from "../../protocol/events.ts";
import { parseEvent } from "../../protocol/parse-event.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";

/** An open stream: take events one at a time, or all that remain. */
export interface EventReader {
  /** The response headers (the cluster proxy names the instance in `x-upstream`). */
  readonly headers: Headers;
  /** The next non-heartbeat event; undefined at the end. */
  next(): Promise<SequencedEvent | undefined>;
  /** Every remaining event up to the end. */
  rest(): Promise<SequencedEvent[]>;
  /** Closes the connection. */
  cancel(): Promise<void>;
}

/** Opens `url` (GET unless `init` says otherwise) and reads its SSE body. */
export async function openEvents(url: string, init: RequestInit = {}): Promise<EventReader> {
  const response = await fetch(url, init);
  if (response.status !== 200) {
    throw new Error(`Stream answered ${response.status}: ${await response.text()}`);
  }
  const reader = response.body!.getReader();
  const decoder = createSseDecoder();
  const queue: SequencedEvent[] = [];
  let ended = false;
  const take = (messages: { data: string }[]) => {
    for (const message of messages) {
      const parsed = parseEvent(message.data);
      if (!parsed.ok) throw new Error(`Invalid event: ${parsed.detail}`);
      if (parsed.event.type !== "heartbeat") queue.push(parsed.event);
    }
  };
  const next = async (): Promise<SequencedEvent | undefined> => {
    while (queue.length === 0 && !ended) {
      const step = await reader.read();
      if (step.done) {
        ended = true;
        take(decoder.end());
      } else {
        take(decoder.push(step.value));
      }
    }
    return queue.shift();
  };
  return {
    headers: response.headers,
    next,
    async rest() {
      const events: SequencedEvent[] = [];
      for (let event = await next(); event; event = await next()) events.push(event);
      return events;
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
