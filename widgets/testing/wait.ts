/**
 * What a host page's test waits for and reads: a provider's status, the end of its run, a stage,
 * and the text the panels rendered (through their shadow roots, as a reader sees it).
 */
import type { StreamDoneDetail } from "../events.ts";
import type { Panel } from "../../protocol/events.ts";
import type { SectionStatus, StreamStatus, ViewState } from "../state/view-state.ts";

/** What the helpers use of a `<stream-provider>`: its view and the events it fires. */
export interface ProviderLike extends EventTarget {
  readonly view: ViewState;
}

/** How long a helper waits before it rejects. */
export interface WaitOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
}

const FIRED = ["stream-status", "stream-event", "stream-done", "stream-error"];

/**
 * Resolves with the view once `check` holds for it, checked now and after every event the
 * provider fires; rejects after `timeoutMs` naming `what` and where the view stood.
 */
export function waitForView<T>(
  provider: ProviderLike,
  check: (view: ViewState) => T | undefined | false,
  { timeoutMs = 5000, what = "the view" }: WaitOptions & { what?: string } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      for (const name of FIRED) provider.removeEventListener(name, listener);
      settle();
    };
    const listener = () => {
      const found = check(provider.view);
      if (found !== undefined && found !== false) done(() => resolve(found));
    };
    const timer = setTimeout(() => {
      const { status, lastSeq } = provider.view;
      done(() =>
        reject(new Error(`No ${what} within ${timeoutMs} ms (status "${status}", seq ${lastSeq})`))
      );
    }, timeoutMs);
    for (const name of FIRED) provider.addEventListener(name, listener);
    listener();
  });
}

/** Resolves once the provider's status is `status`. */
export function waitForStatus(
  provider: ProviderLike,
  status: StreamStatus,
  options: WaitOptions = {},
): Promise<ViewState> {
  return waitForView(provider, (view) => view.status === status && view, {
    ...options,
    what: `status "${status}"`,
  });
}

/**
 * Resolves with `stream-done`'s detail once the run has ended, however it ended (or has already:
 * the view keeps how it ended and whether it verified).
 */
export function waitForDone(
  provider: ProviderLike,
  options: WaitOptions = {},
): Promise<StreamDoneDetail> {
  return waitForView(
    provider,
    ({ finishReason, verified }) =>
      finishReason !== undefined && verified !== undefined && { finishReason, verified },
    {
      ...options,
      what: "stream-done",
    },
  );
}

/** Resolves once a section of `stage` (in `panel`, when given) has `status` (default `complete`). */
export function waitForStage(
  provider: ProviderLike,
  stage: string,
  { panel, status = "complete", ...options }: WaitOptions & {
    panel?: Panel;
    status?: SectionStatus;
  } = {},
): Promise<ViewState> {
  const panels: Panel[] = panel ? [panel] : ["reasoning", "chat"];
  return waitForView(
    provider,
    (view) =>
      panels.some((name) =>
        view.sections[name].some((section) => section.stage === stage && section.status === status)
      ) && view,
    { ...options, what: `stage "${stage}" ${status}` },
  );
}

/**
 * The text a `<reasoning-panel>` shows per section, or a `<chat-stream>` per message, as rendered
 * (markdown made into elements), with whitespace runs collapsed.
 */
export function renderedText(element: Element): string[] {
  const root = element.shadowRoot ?? element;
  return [...root.querySelectorAll('[part~="content"], [part~="message-content"]')].map((node) =>
    (node.textContent ?? "").replace(/\s+/g, " ").trim()
  );
}

/**
 * The Retry button a panel inside `provider` shows for a failed run (the one panel where the run
 * was writing), once rendered.
 */
export async function retryButton(
  provider: Element,
  { timeoutMs = 5000 }: WaitOptions = {},
): Promise<HTMLButtonElement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const panel of provider.querySelectorAll("reasoning-panel, chat-stream")) {
      await (panel as Element & { updateComplete?: Promise<unknown> }).updateComplete;
      const button = panel.shadowRoot?.querySelector<HTMLButtonElement>('[part~="retry-button"]');
      if (button) return button;
    }
    if (Date.now() > deadline) throw new Error(`No Retry button within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
}
