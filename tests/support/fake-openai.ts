/**
 * A local OpenAI-compatible server for tests: a real socket speaking the real chat-completions
 * wire format (SSE `data: {chunk}` frames ending with `data: [DONE]`, or one JSON body when
 * `stream` is false), with scripted replies and faults, and a record of every request including
 * when the client aborted it.
 */
import { sleep } from "../../server/providers/sleep.ts";

/** A fault the fake injects into one reply. Character counts cover reasoning then content. */
export type FakeFault =
  /** Answers this HTTP status with an OpenAI-style JSON error body. */
  | { kind: "status"; status: number; retryAfter?: string }
  /** Destroys the connection after this many characters. */
  | { kind: "error_mid"; afterChars: number }
  /** Stops sending after this many characters and keeps the socket open until the client aborts. */
  | { kind: "stall"; afterChars: number }
  /** Sends `data: {not json` after this many characters, then ends the response. */
  | { kind: "malformed"; afterChars: number };

/** One scripted reply. */
export interface FakeReply {
  content: string;
  /** Streamed first, as `reasoning_content` deltas. */
  reasoning?: string;
  /** Characters per delta (code points, never half a surrogate pair); default 4. */
  chunkSize?: number;
  /** Wait before each delta, in ms; default 0. */
  delayMs?: number;
  /** Default "stop"; `null` ends the stream (still with `[DONE]`) without any finish reason. */
  finishReason?: "stop" | "length" | null;
  fault?: FakeFault;
  /** Token counts sent in a final usage chunk when the request asks for `include_usage`. */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /**
   * Sends these steps instead of the reply's text, as a real server's stream would: whole chunks
   * (given their `choices`, or any other fields) or raw bytes such as keep-alive comments; then
   * `[DONE]`.
   */
  script?: FakeStep[];
}

/** One step of a scripted stream: waits, then sends a chunk or raw bytes. */
export interface FakeStep {
  waitMs?: number;
  /** The fields of a `chat.completion.chunk` beside its id, object, created and model. */
  chunk?: Record<string, unknown>;
  raw?: string;
}

/** What the fake saw of one request. Times are `Date.now()` epoch ms. */
export interface RecordedRequest {
  body: unknown;
  headers: Record<string, string>;
  receivedAt: number;
  /** When the fake finished sending the response. */
  endedAt?: number;
  /** The client went away before the response ended. */
  aborted: boolean;
  abortedAt?: number;
}

/** A running fake server. */
export interface FakeOpenAi {
  /** `http://127.0.0.1:<port>/v1`, for the SDK's `baseURL`. */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Queues a reply for the next request (FIFO); with none queued, DEFAULT_FAKE_REPLY answers. */
  enqueue(reply: FakeReply): void;
  /** Resolves once at least `n` requests arrived; rejects after `timeoutMs`. */
  waitForRequests(n: number, timeoutMs: number): Promise<void>;
  /** Ends open responses and stops listening. */
  close(): Promise<void>;
}

/** The reply sent when nothing is queued. */
export const DEFAULT_FAKE_REPLY: FakeReply = { content: "Fake model reply." };

const MODEL = "fake-model";
const encoder = new TextEncoder();

/** Starts the fake on 127.0.0.1 at a free port. */
export function startFakeOpenAi(): Promise<FakeOpenAi> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const openStreams = new Set<() => void>();
  let nextId = 1;

  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return errorResponse(404, "Not found");
    }
    const raw = await request.text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
    const record: RecordedRequest = {
      body,
      headers: Object.fromEntries(request.headers),
      receivedAt: Date.now(),
      aborted: false,
    };
    requests.push(record);
    notify();
    const reply = queue.shift() ?? DEFAULT_FAKE_REPLY;
    const id = `chatcmpl-fake-${nextId++}`;

    if (reply.fault?.kind === "status") {
      record.endedAt = Date.now();
      const headers: Record<string, string> = {};
      if (reply.fault.retryAfter !== undefined) headers["retry-after"] = reply.fault.retryAfter;
      return errorResponse(reply.fault.status, "Injected upstream failure", headers);
    }
    const stream = typeof body === "object" && body !== null &&
      (body as { stream?: unknown }).stream === true;
    if (!stream) {
      record.endedAt = Date.now();
      return Response.json(completionBody(id, reply));
    }
    const withUsage = (body as { stream_options?: { include_usage?: unknown } }).stream_options
      ?.include_usage === true;
    const sent = withUsage ? reply : { ...reply, usage: undefined };
    return new Response(sseBody(id, sent, record, request.signal, openStreams), {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  };

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => {
        resolve({
          baseURL: `http://127.0.0.1:${port}/v1`,
          requests,
          enqueue: (reply) => void queue.push(reply),
          waitForRequests: (n, timeoutMs) =>
            new Promise<void>((done, fail) => {
              const check = () => {
                if (requests.length < n) return;
                cleanup();
                done();
              };
              const timer = setTimeout(() => {
                cleanup();
                fail(new Error(`Expected ${n} requests, got ${requests.length}`));
              }, timeoutMs);
              const cleanup = () => {
                clearTimeout(timer);
                waiters.delete(check);
              };
              waiters.add(check);
              check();
            }),
          close: async () => {
            for (const end of openStreams) end();
            await server.shutdown();
          },
        });
      },
    }, handle);
  });
}

/** Streams one reply as chat.completion.chunk frames, applying its fault. */
function sseBody(
  id: string,
  reply: FakeReply,
  record: RecordedRequest,
  clientSignal: AbortSignal,
  openStreams: Set<() => void>,
): ReadableStream<Uint8Array> {
  const created = Math.floor(Date.now() / 1000);
  const stopped = new AbortController();
  let end = () => {};
  const markAborted = () => {
    if (record.endedAt !== undefined || record.aborted) return;
    record.aborted = true;
    record.abortedAt = Date.now();
    stopped.abort();
    openStreams.delete(end);
  };
  clientSignal.addEventListener("abort", markAborted, { once: true });
  const frame = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    encoder.encode(
      `data: ${
        JSON.stringify({
          id,
          object: "chat.completion.chunk",
          created,
          model: MODEL,
          choices: [{ index: 0, delta, finish_reason: finishReason }],
        })
      }\n\n`,
    );

  return new ReadableStream<Uint8Array>({
    start(controller) {
      end = () => {
        if (record.endedAt !== undefined || record.aborted) return;
        record.endedAt = Date.now();
        stopped.abort();
        openStreams.delete(end);
        controller.close();
      };
      openStreams.add(end);
      const run = async () => {
        if (reply.script) {
          for (const step of reply.script) {
            await sleep(step.waitMs ?? 0, stopped.signal);
            if (stopped.signal.aborted) return;
            const chunk = {
              id,
              object: "chat.completion.chunk",
              created,
              model: MODEL,
              ...step.chunk,
            };
            controller.enqueue(
              encoder.encode(step.raw ?? `data: ${JSON.stringify(chunk)}\n\n`),
            );
          }
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          end();
          return;
        }
        const fault = reply.fault;
        const limit = fault && fault.kind !== "status" ? fault.afterChars : Infinity;
        let sent = 0;
        controller.enqueue(frame({ role: "assistant", content: "" }));
        const parts = [
          ...pieces(reply.reasoning ?? "", reply.chunkSize ?? 4).map((text) => ({
            field: "reasoning_content",
            text,
          })),
          ...pieces(reply.content, reply.chunkSize ?? 4).map((text) => ({
            field: "content",
            text,
          })),
        ];
        for (const part of parts) {
          if (sent >= limit) break;
          await sleep(reply.delayMs ?? 0, stopped.signal);
          if (stopped.signal.aborted) return;
          // The fault fires mid-part when the limit falls inside it.
          const text = Array.from(part.text).slice(0, limit - sent).join("");
          controller.enqueue(frame({ [part.field]: text }));
          sent += Array.from(text).length;
        }
        switch (fault?.kind) {
          case "error_mid":
            record.endedAt = Date.now();
            openStreams.delete(end);
            controller.error(new Error("fake-openai: injected connection reset"));
            return;
          case "stall":
            // Keeps the socket open; only the client's abort (or close()) ends it.
            return;
          case "malformed":
            controller.enqueue(encoder.encode("data: {not json\n\n"));
            end();
            return;
          case "status":
          case undefined:
            break;
        }
        const finishReason = reply.finishReason === undefined ? "stop" : reply.finishReason;
        if (finishReason !== null) controller.enqueue(frame({}, finishReason));
        if (reply.usage) {
          const { prompt_tokens, completion_tokens } = reply.usage;
          const usage = {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens + completion_tokens,
          };
          const chunk = {
            id,
            object: "chat.completion.chunk",
            created,
            model: MODEL,
            choices: [],
            usage,
          };
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
        }
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        end();
      };
      // An enqueue can race a client that just went away; that is an abort, not a failure.
      run().catch(markAborted);
    },
    cancel() {
      markAborted();
    },
  });
}

/** A non-streaming chat.completion body. */
function completionBody(id: string, reply: FakeReply) {
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: MODEL,
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: reply.content,
        ...(reply.reasoning === undefined ? {} : { reasoning_content: reply.reasoning }),
      },
      finish_reason: reply.finishReason === undefined ? "stop" : reply.finishReason,
    }],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

/** An OpenAI-style JSON error response. */
function errorResponse(status: number, message: string, headers: Record<string, string> = {}) {
  return Response.json(
    { error: { message, type: "fake_error", param: null, code: null } },
    { status, headers },
  );
}

/** Splits text into pieces of `size` code points. */
function pieces(text: string, size: number): string[] {
  const points = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(""));
  return out;
}
