/**
 * Any OpenAI-compatible endpoint through the `openai` SDK, streaming. The SDK's own retries are
 * off: retrying is only safe before the first token, which only this loop knows.
 *
 * Retries fit in the idle timeout: the run times a completion's silence from its start, waits
 * included (drive.ts), so a wait (Retry-After or backoff) that would end past `idleTimeoutMs`
 * after the stream began is not taken, and the failure's own code (`rate_limited`,
 * `upstream_unavailable`, …) ends the stream at once instead of a later `upstream_timeout`.
 *
 * Abort: when `request.signal` aborts, the upstream HTTP request is cancelled and the stream
 * throws `signal.reason`.
 */
import OpenAI from "openai";
import { readChunk } from "./openai-chunk.ts";
import {
  type CompletionRequest,
  type LlmProvider,
  type ProviderDelta,
  ProviderError,
  type ProviderErrorCode,
  type ProviderFinish,
} from "./provider.ts";
import { retryAfterMs } from "../../protocol/retry-after.ts";
import { backoffMs } from "./retry-after.ts";
import { type Sleep, sleep as realSleep } from "./sleep.ts";
import { idleTimer, systemClock } from "../runs/timers.ts";

/** Retries before the first token, on 429, 5xx and connection errors. */
const MAX_RETRIES = 2;

/** Endpoint, model and limits. */
export interface OpenAiProviderOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  /** No chunk (nor response headers) for this long aborts the upstream: `upstream_timeout`. */
  idleTimeoutMs: number;
  sleep?: Sleep;
  /** Epoch ms: the retry deadline and HTTP-date Retry-After values are read against it. */
  now?: () => number;
}

/** Creates the OpenAI-compatible provider. */
export function createOpenAiProvider(
  { baseURL, apiKey, model, idleTimeoutMs, sleep = realSleep, now = Date.now }:
    OpenAiProviderOptions,
): LlmProvider {
  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, logLevel: "off" });

  async function* stream(
    request: CompletionRequest,
  ): AsyncGenerator<ProviderDelta, ProviderFinish, void> {
    const { signal } = request;
    const body = {
      model: request.model ?? model,
      messages: request.messages,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
      stream: true as const,
      stream_options: { include_usage: true },
    };
    const deadline = now() + idleTimeoutMs;
    for (let attempt = 0;; attempt++) {
      signal.throwIfAborted();
      const watchdog = idleWatchdog(signal, idleTimeoutMs);
      // Bytes the SDK drops (keep-alive comments) and chunks without text show the upstream is alive.
      const alive = () => {
        watchdog.touch();
        request.onActivity?.();
      };
      let produced = false;
      try {
        const upstream = await client.withOptions({ fetch: observedFetch(alive) }).chat.completions
          .create(body, { signal: watchdog.signal });
        let finish: string | null = null;
        let toolCalls = false;
        watchdog.arm();
        for await (const chunk of upstream) {
          // Silence is measured on the upstream only, not while the consumer holds a delta.
          watchdog.disarm();
          const read = readChunk(chunk);
          finish = read.finish ?? finish;
          toolCalls ||= read.toolCalls;
          if (read.usage) request.onUsage?.(read.usage);
          if (read.deltas.length === 0) request.onActivity?.();
          for (const delta of read.deltas) {
            produced = true;
            yield delta;
          }
          watchdog.arm();
        }
        // An abort (the caller's or the watchdog's) ends the SDK's iteration quietly, with no
        // finish reason: the catch below tells those apart from a truncated stream.
        if (finish === null) throw new ProviderError("upstream_error");
        return finishOf(finish, toolCalls);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (watchdog.timedOut) throw new ProviderError("upstream_timeout", { cause: error });
        const failure = classify(error);
        const wait = retryAfterMs(failure.retryAfter, now()) ?? backoffMs(attempt);
        const retry = !produced && failure.retryable && attempt < MAX_RETRIES &&
          now() + wait < deadline;
        if (!retry) {
          throw error instanceof ProviderError ? error : new ProviderError(failure.code, {
            cause: error,
            ...(failure.refused ? { detail: "refused" } : {}),
          });
        }
        await sleep(wait, signal);
      } finally {
        watchdog.dispose();
      }
    }
  }

  return { name: "openai", stream };
}

/**
 * How a completion that finished ended. A content filter withheld the rest of the answer; tool
 * calls are never asked for, so a completion that makes them has no answer to give.
 */
function finishOf(finish: string, toolCalls: boolean): ProviderFinish {
  if (finish === "content_filter") throw new ProviderError("content_filtered");
  if (toolCalls || finish === "tool_calls" || finish === "function_call") {
    throw new ProviderError("upstream_error", { detail: "tool_calls" });
  }
  return finish === "length" ? "length" : "stop";
}

/** What a failed attempt means: the code to report, and whether another attempt may help. */
interface Failure {
  code: ProviderErrorCode;
  retryable: boolean;
  /** The model service refused the request itself: asking again cannot succeed. */
  refused?: boolean;
  retryAfter?: string | null;
}

function classify(error: unknown): Failure {
  if (error instanceof ProviderError) return { code: error.code, retryable: false };
  if (error instanceof OpenAI.APIConnectionError) {
    return { code: "upstream_unavailable", retryable: true };
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    // An error event inside the stream has no status: the upstream rejected this completion.
    if (status === undefined) return { code: "upstream_error", retryable: false };
    const retryAfter = error.headers?.get("retry-after");
    if (status === 429) return { code: "rate_limited", retryable: true, retryAfter };
    if (status >= 500) {
      const code = status === 502 || status === 503 || status === 504
        ? "upstream_unavailable"
        : "upstream_error";
      return { code, retryable: true, retryAfter };
    }
    // A timeout or conflict may pass; any other 4xx is the request itself refused.
    if (status === 408 || status === 409) return { code: "upstream_error", retryable: false };
    return { code: "upstream_error", retryable: false, refused: true };
  }
  // The SDK's own parse failures: the upstream spoke, but not the protocol.
  if (error instanceof OpenAI.OpenAIError || error instanceof SyntaxError) {
    return { code: "upstream_error", retryable: false };
  }
  // Anything else is the body read failing: the connection dropped.
  return { code: "upstream_error", retryable: true };
}

/** `fetch` that calls `onBytes` for every piece of the response body as it arrives. */
function observedFetch(onBytes: () => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body) return response;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onBytes();
          controller.enqueue(chunk);
        },
      }),
    );
    const { status, statusText, headers } = response;
    return new Response(body, { status, statusText, headers });
  };
}

/**
 * An abort signal that follows `parent` and also fires after `idleMs` of silence while armed.
 * Disposing it aborts the upstream too, so a consumer that stops early never leaks a request.
 */
function idleWatchdog(parent: AbortSignal, idleMs: number) {
  const controller = new AbortController();
  let timedOut = false;
  let armed = false;
  const follow = () => controller.abort(parent.reason);
  parent.addEventListener("abort", follow, { once: true });
  const idle = idleTimer(systemClock, idleMs, () => {
    timedOut = true;
    controller.abort();
  });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    arm() {
      armed = true;
      idle.touch();
    },
    disarm() {
      armed = false;
      idle.pause();
    },
    /** Bytes arrived: silence starts again, unless the consumer is holding a delta. */
    touch() {
      if (armed) idle.touch();
    },
    dispose() {
      idle.stop();
      parent.removeEventListener("abort", follow);
      controller.abort();
    },
  };
}
