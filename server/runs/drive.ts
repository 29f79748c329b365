/** Feeding one provider completion into a run, and ending a run when its driver fails. */
import {
  type CompletionRequest,
  type LlmProvider,
  type ProviderDelta,
  ProviderError,
  type ProviderFinish,
} from "../providers/provider.ts";
import type { Logger } from "../log.ts";
import { errorMessage } from "./error-messages.ts";
import { type Clock, idleTimer } from "./timers.ts";
import type { LiveRun } from "./live-run.ts";
import type { Panel } from "../../protocol/events.ts";

/** The model and how long it may stay silent. */
export interface Upstream {
  provider: LlmProvider;
  clock: Clock;
  /** A completion silent this long is aborted as `upstream_timeout`. */
  idleTimeoutMs: number;
  /** `max_tokens` of a completion whose stage sets none (MAX_OUTPUT_TOKENS). */
  maxOutputTokens: number;
}

/** A provider's delta channel. */
export type Channel = ProviderDelta["channel"];

/** Where each delta channel goes; a channel without a route is dropped. */
export type Routes = { [C in Channel]?: Panel };

/** What one completion produced. */
export interface Completion {
  /** The answer-channel text. */
  answer: string;
  finish: ProviderFinish;
}

/**
 * Streams one completion into the run. Stops reading as soon as the run is over (cancelled),
 * returning undefined; provider failures propagate as ProviderError, and a completion silent
 * for the idle timeout — before its first delta too — is aborted as `upstream_timeout`, whatever
 * the provider. Providers that retry fit their waits inside that silence (see openai.ts).
 */
export async function pump(
  run: LiveRun,
  request: Omit<CompletionRequest, "signal">,
  options: { upstream: Upstream; routes: Routes; onChannel?: (channel: Channel) => void },
): Promise<Completion | undefined> {
  const { upstream, routes } = options;
  const { clock, idleTimeoutMs } = upstream;
  const local = new AbortController();
  const abortLocal = () => local.abort();
  run.controller.signal.addEventListener("abort", abortLocal, { once: true });
  let answer = "";
  let channel: Channel | undefined;
  // The last characters written, to start a block where thinking and answer share a panel.
  let tail = "";
  // Rejects the pending read on silence. A fresh promise per read, rather than a race with one
  // long-lived promise, which would collect a reaction for every delta of the completion.
  let interrupt: (error: ProviderError) => void = () => {};
  const idle = idleTimer(
    clock,
    idleTimeoutMs,
    () => interrupt(new ProviderError("upstream_timeout")),
  );
  const stream = upstream.provider.stream({
    ...request,
    maxTokens: request.maxTokens ?? upstream.maxOutputTokens,
    signal: local.signal,
    onActivity: idle.touch,
    onUsage: (usage) => run.addUsage(usage),
  });
  const read = () =>
    new Promise<IteratorResult<ProviderDelta, ProviderFinish>>((resolve, reject) => {
      interrupt = reject;
      stream.next().then(resolve, reject);
    });
  try {
    while (run.running) {
      const step = await read();
      if (!run.running) break;
      if (step.done) return { answer, finish: step.value };
      idle.touch();
      const { text } = step.value;
      const panel = routes[step.value.channel];
      if (step.value.channel !== channel) {
        const shared = channel !== undefined && panel !== undefined && routes[channel] === panel;
        channel = step.value.channel;
        options.onChannel?.(channel);
        // The model's thinking and its answer on one panel: each its own markdown block.
        if (shared && tail !== "" && !tail.endsWith("\n\n")) {
          run.write(panel, tail.endsWith("\n") ? "\n" : "\n\n");
        }
      }
      if (channel === "answer") answer += text;
      if (panel) {
        run.write(panel, text);
        tail = (tail + text).slice(-2);
      }
    }
    // The run ended under us (cancel, orphan, shutdown): the signal already stops the provider.
    return undefined;
  } finally {
    idle.stop();
    run.controller.signal.removeEventListener("abort", abortLocal);
    // Stops the upstream call on every way out: timeout, failure, cancel; and closes the
    // generator, which a timeout or cancel leaves suspended, so its cleanup runs.
    local.abort();
    void stream.return(undefined as never).catch(() => {});
  }
}

/** Runs a driver to its end, turning any failure into the run's error events. */
export async function settle(
  run: LiveRun,
  driver: () => Promise<void>,
  { log }: { log: Logger },
): Promise<void> {
  try {
    await driver();
  } catch (error) {
    if (!run.running) return;
    if (error instanceof ProviderError) {
      log("run_upstream_error", { runId: run.info.id, code: error.code, detail: error.detail });
      run.fail(error.code, {
        retryAvailable: error.retryable,
        message: errorMessage(error.code, error.detail),
      });
    } else {
      log("run_internal_error", { runId: run.info.id, error: errorName(error) });
      run.fail("internal");
    }
  }
}

/** The name of an error (its class), never its message: messages may quote model text. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
