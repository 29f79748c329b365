/**
 * The built-in offline model: deterministic clinical markdown per case, stage and purpose, paced
 * like a real LLM (small tokens cut at seeded points, `charsPerSec` after `firstTokenMs`), with
 * one-shot fault injection for tests and the demo.
 *
 * Abort: when `request.signal` aborts, the stream throws `signal.reason` at once.
 */
import {
  type CompletionRequest,
  type LlmProvider,
  type ProviderDelta,
  ProviderError,
  type ProviderFinish,
} from "./provider.ts";
import { scriptedText } from "./scripted-text.ts";
import { coalescedSleep, type Sleep } from "./sleep.ts";
import { seedFrom, splitTokens } from "./token-split.ts";

/**
 * A fault for the next `stream()` call. Character counts cover reasoning then answer text.
 * `fail` throws `upstream_error` after that many characters; `stall` goes silent after that many
 * characters until the signal aborts; `rate_limit` throws `rate_limited` before any output.
 */
export type ScriptedFault =
  | { kind: "fail"; afterChars: number }
  | { kind: "stall"; afterChars: number }
  | { kind: "rate_limit" };

/** The scripted model, with controls for tests and the demo. */
export interface ScriptedProvider extends LlmProvider {
  /** Arms a fault consumed by the next `stream()` call; `undefined` disarms. */
  armFault(fault: ScriptedFault | undefined): void;
  /** Changes the pace of streams from their next token on. */
  setCharsPerSec(n: number): void;
}

/** Whether a provider is the scripted model, with its controls. */
export function isScripted(provider: LlmProvider): provider is ScriptedProvider {
  return provider.name === "scripted" && "armFault" in provider;
}

/**
 * The scripted model as one run sees it: `fault` is armed right as the run makes its first model
 * call, so no other run's call (a workflow's later stage, say) can take it first.
 */
export function withFaultForRun(provider: ScriptedProvider, fault: ScriptedFault): LlmProvider {
  let pending: ScriptedFault | undefined = fault;
  return {
    name: provider.name,
    stream(request) {
      if (pending) provider.armFault(pending);
      pending = undefined;
      return provider.stream(request);
    },
  };
}

/** Pacing and the injectable pause. */
export interface ScriptedOptions {
  charsPerSec: number;
  firstTokenMs: number;
  sleep?: Sleep;
  /** Milliseconds on a monotonic clock; tokens are scheduled against it. */
  now?: () => number;
}

/**
 * Behind schedule by more than this (a slow consumer), the model resumes its pace from now
 * instead of bursting.
 */
const MAX_LAG_MS = 100;
/** Waits shorter than this between tokens do not listen for an abort. */
const SHORT_WAIT_MS = 50;
/**
 * The real-time pause of every scripted stream: wake-ups share one timer per 4 ms, so a model
 * that emulates thousands of streams does not cost a timer per token. Tokens keep their schedule:
 * one that is due while another waits goes out with it.
 */
const pacing = coalescedSleep(4);

/** Creates the scripted model. */
export function createScriptedProvider(
  { charsPerSec, firstTokenMs, sleep = pacing, now = () => performance.now() }: ScriptedOptions,
): ScriptedProvider {
  let pace = validPace(charsPerSec);
  let armed: ScriptedFault | undefined;

  async function* play(
    request: CompletionRequest,
    fault: ScriptedFault | undefined,
  ): AsyncGenerator<ProviderDelta, ProviderFinish, void> {
    const { signal } = request;
    signal.throwIfAborted();
    if (fault?.kind === "rate_limit") throw new ProviderError("rate_limited");
    const limit = fault ? fault.afterChars : Infinity;
    const deltas = scriptedDeltas(request);
    let sent = 0;
    // Each token is due at a running schedule, and only a wait of a whole timer is slept: sleeping
    // per token would make timer granularity (1–4 ms per setTimeout), not `charsPerSec`, set the
    // pace of a fast model.
    let due = now();
    for (const [index, delta] of deltas.entries()) {
      const length = Array.from(delta.text).length;
      due = Math.max(due, now() - MAX_LAG_MS) +
        (index === 0 ? firstTokenMs : (length / pace) * 1000);
      const wait = due - now();
      // A short wait listens for no abort (a listener per token costs more than its timer): the
      // signal is checked right after it, so a cancel still stops the model within SHORT_WAIT_MS.
      const abortable = index === 0 || wait >= SHORT_WAIT_MS;
      if (wait >= 1 || index === 0) await sleep(Math.max(0, wait), abortable ? signal : undefined);
      signal.throwIfAborted();
      if (sent + length > limit) {
        const head = Array.from(delta.text).slice(0, limit - sent).join("");
        if (head) yield { channel: delta.channel, text: head };
        break;
      }
      yield delta;
      sent += length;
    }
    switch (fault?.kind) {
      case "fail":
        throw new ProviderError("upstream_error");
      case "stall":
        await untilAborted(signal);
        throw signal.reason;
      case undefined:
        return "stop";
    }
  }

  return {
    name: "scripted",
    armFault(fault) {
      armed = fault;
    },
    setCharsPerSec(n) {
      pace = validPace(n);
    },
    stream(request) {
      // Consumed here, at the call, so the fault belongs to this stream even before iteration.
      const fault = armed;
      armed = undefined;
      return play(request, fault);
    },
  };
}

/** The request's text as paced deltas: reasoning first, then the answer. */
function scriptedDeltas(request: CompletionRequest): ProviderDelta[] {
  const text = scriptedText(request);
  const seed = seedFrom(
    [request.purpose, request.stage, request.caseId ?? "", request.history.at(-1)?.content ?? ""]
      .join("\u0000"),
  );
  return [
    ...splitTokens(text.reasoning, seed).map((piece) => ({
      channel: "reasoning" as const,
      text: piece,
    })),
    ...splitTokens(text.answer, seed + 1).map((piece) => ({
      channel: "answer" as const,
      text: piece,
    })),
  ];
}

function validPace(charsPerSec: number): number {
  if (charsPerSec > 0 && Number.isFinite(charsPerSec)) return charsPerSec;
  throw new RangeError(`Characters per second must be a positive number, got "${charsPerSec}"`);
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
