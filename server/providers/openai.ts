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
import { getCase } from "../cases/cases.ts";
import { readChunk } from "./openai-chunk.ts";
import { buildMessages } from "./prompts.ts";
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
    const clinicalCase = request.caseId === undefined ? undefined : getCase(request.caseId);
    const messages = buildMessages(request, clinicalCase);
    const deadline = now() + idleTimeoutMs;
    for (let attempt = 0;; attempt++) {
      signal.throwIfAborted();
      const watchdog = idleWatchdog(signal, idleTimeoutMs);
      let produced = false;
      try {
        const upstream = await client.chat.completions.create(
          { model, messages, stream: true },
          { signal: watchdog.signal },
        );
        let finish: string | null = null;
        watchdog.arm();
        for await (const chunk of upstream) {
          // Silence is measured on the upstream only, not while the consumer holds a delta.
          watchdog.disarm();
          const read = readChunk(chunk);
          finish = read.finish ?? finish;
          for (const delta of read.deltas) {
            produced = true;
            yield delta;
          }
          watchdog.arm();
        }
        // An abort (the caller's or the watchdog's) ends the SDK's iteration quietly, with no
        // finish reason: the catch below tells those apart from a truncated stream.
        if (finish === null) throw new ProviderError("upstream_error");
        return finish === "length" ? "length" : "stop";
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (watchdog.timedOut) throw new ProviderError("upstream_timeout", { cause: error });
        const failure = classify(error);
        const wait = retryAfterMs(failure.retryAfter, now()) ?? backoffMs(attempt);
        const retry = !produced && failure.retryable && attempt < MAX_RETRIES &&
          now() + wait < deadline;
        if (!retry) {
          throw error instanceof ProviderError
            ? error
            : new ProviderError(failure.code, { cause: error });
        }
        await sleep(wait, signal);
      } finally {
        watchdog.dispose();
      }
    }
  }

  return { name: "openai", stream };
}

/** What a failed attempt means: the code to report, and whether another attempt may help. */
interface Failure {
  code: ProviderErrorCode;
  retryable: boolean;
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
    return { code: "upstream_error", retryable: false };
  }
  // The SDK's own parse failures: the upstream spoke, but not the protocol.
  if (error instanceof OpenAI.OpenAIError || error instanceof SyntaxError) {
    return { code: "upstream_error", retryable: false };
  }
  // Anything else is the body read failing: the connection dropped.
  return { code: "upstream_error", retryable: true };
}

/**
 * An abort signal that follows `parent` and also fires after `idleMs` of silence while armed.
 * Disposing it aborts the upstream too, so a consumer that stops early never leaks a request.
 */
function idleWatchdog(parent: AbortSignal, idleMs: number) {
  const controller = new AbortController();
  let timedOut = false;
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
    arm: idle.touch,
    disarm: idle.pause,
    dispose() {
      idle.stop();
      parent.removeEventListener("abort", follow);
      controller.abort();
    },
  };
}
