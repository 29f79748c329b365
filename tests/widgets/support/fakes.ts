/** Fakes for the connection tests: a manual clock, a scripted fetch, a host and a recording sink. */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ConnectionSink } from "../../../widgets/connection/connection-types.ts";

/** A clock that only moves when told: timers run in order as `advance` passes them. */
export function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  /** Every delay ever scheduled, in order. */
  const scheduled: number[] = [];
  return {
    scheduled,
    /** The clock's time, in ms from its start. */
    now: (): number => now,
    setTimeout(run: () => void, ms: number): unknown {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      scheduled.push(ms);
      return id;
    },
    clearTimeout(id: unknown): void {
      timers.delete(id as number);
    },
    /** How many timers are waiting. */
    get pending(): number {
      return timers.size;
    },
    advance(ms: number): void {
      const target = now + ms;
      for (;;) {
        const due = [...timers].filter(([, timer]) =>
          timer.at <= target
        ).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) {
          break;
        }
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = target;
    },
  };
}

/** One recorded request. */
export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Answers one request. */
export type Responder = (call: Call) => Response | Promise<Response>;

/** A fetch that answers from a queue of responders and records every call. */
export function fakeFetch() {
  const calls: Call[] = [];
  const queue: Responder[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const call: Call = {
      url: String(input),
      method: init.method ?? "GET",
      headers: { ...init.headers as Record<string, string> },
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      signal: init.signal ?? undefined,
    };
    calls.push(call);
    const respond = queue.shift();
    if (!respond) throw new TypeError("Failed to fetch");
    return await respond(call);
  }) as typeof globalThis.fetch;
  return {
    fetch: fetchImpl,
    calls,
    /** Queues responders for the next requests. */
    then(...responders: Responder[]) {
      queue.push(...responders);
    },
  };
}

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Responder {
  return () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json", ...headers },
    });
}

/** A network failure. */
export const offline: Responder = () => Promise.reject(new TypeError("Failed to fetch"));

/** An event-stream response the test writes to; it breaks off when the request is aborted. */
export function eventStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const encoder = new TextEncoder();
  const respond: Responder = (call) => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    call.signal?.addEventListener("abort", () => {
      if (open) controller.error(new DOMException("The operation was aborted", "AbortError"));
      open = false;
    });
    return new Response(body, { headers: { "Content-Type": "text/event-stream; charset=utf-8" } });
  };
  return {
    respond,
    push(text: string): void {
      if (open) controller.enqueue(encoder.encode(text));
    },
    /** The server ends the response. */
    end(): void {
      if (open) controller.close();
      open = false;
    },
    /** The network cuts the response. */
    cut(): void {
      if (open) controller.error(new TypeError("network error"));
      open = false;
    },
  };
}

/** The smallest ReactiveControllerHost: holds its controller so the test can connect it. */
export function fakeHost() {
  let controller: ReactiveController | undefined;
  const host: ReactiveControllerHost = {
    addController: (added) => void (controller = added),
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
  };
  return {
    host,
    connect: () => controller?.hostConnected?.(),
    disconnect: () => controller?.hostDisconnected?.(),
  };
}

/** A document and window that only carry the events the controller listens to. */
export function fakePage() {
  const document = Object.assign(new EventTarget(), {
    visibilityState: "visible" as DocumentVisibilityState,
  });
  const window = new EventTarget();
  return { document: document as unknown as Document, window: window as unknown as Window };
}

/** A sink recording what the controller reported, as short strings and values. */
export function recordingSink() {
  const log: string[] = [];
  /** Each transport reported, apart from the log: every connection reports one. */
  const transports: string[] = [];
  const sink: ConnectionSink & { log: string[]; transports: string[] } = {
    log,
    transports,
    transport: (transport) => void transports.push(transport),
    event: (event) =>
      log.push(event.type === "heartbeat" ? "heartbeat" : `${event.type}#${event.seq}`),
    status: (status) => log.push(`status:${status}`),
    failed: (error) => log.push(`failed:${error.code}:${error.retryAvailable}`),
    chatStarted: (started) => log.push(`chat:${started.runId}`),
    recovered: (recovery) =>
      log.push(`recovered:${recovery.messages.length}:${recovery.finishReason}`),
  };
  return sink;
}

/** Lets pending promise callbacks and stream reads run (a yield, not a sleep). */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** An EventSource the test drives; every instance is kept in `sources`. */
export function fakeEventSourceClass() {
  const sources: FakeEventSource[] = [];
  class FakeEventSource extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSED = 2;
    readyState = 0;
    onopen: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent<string>) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;
    constructor(readonly url: string) {
      super();
      sources.push(this);
    }
    open(): void {
      this.readyState = 1;
      this.onopen?.(new Event("open"));
    }
    message(data: string): void {
      this.onmessage?.(new MessageEvent("message", { data }));
    }
    /** A failure: `retrying` as the browser does after a cut, or closed for good. */
    fail(retrying: boolean): void {
      this.readyState = retrying ? 0 : 2;
      this.onerror?.(new Event("error"));
    }
    close(): void {
      this.readyState = 2;
    }
  }
  return { EventSource: FakeEventSource as unknown as typeof EventSource, sources };
}
