/// <reference path="./support/mocha-globals.d.ts" />
/**
 * A stand-in for `<stream-provider>` in the rendering tests: provides `streamContext` with a
 * hand-built view and records the actions the elements call.
 */
import { ContextProvider } from "@lit/context";
import { streamContext, type StreamContextValue } from "../../widgets/context.ts";
import { initialViewState } from "../../widgets/state/stream-state.ts";
import type { ChatMessage, Section, ViewState } from "../../widgets/state/view-state.ts";

export { assert, assertEqual } from "./support/assert.ts";

/** An element mounted under a view provider, with the view's setter and the recorded actions. */
export interface Mounted<E extends HTMLElement> {
  element: E;
  /** Provides a new view and waits until the element has rendered it. */
  setView(view: ViewState): Promise<void>;
  /** Provides a new view without waiting. */
  provide(view: ViewState): void;
  /** Every action the element called, in order, e.g. `send:hello`, `cancel`, `retry`. */
  actions: string[];
  remove(): void;
}

/** Mounts `<tag>` with `attributes` under a provider of `view`, and waits for its first render. */
export async function mount<E extends HTMLElement & { updateComplete: Promise<boolean> }>(
  tag: string,
  view: ViewState,
  attributes: Record<string, string> = {},
): Promise<Mounted<E>> {
  const host = document.createElement("div");
  const actions: string[] = [];
  const value = (next: ViewState): StreamContextValue => ({
    view: next,
    viewers: [],
    send: (message) => {
      actions.push(`send:${message}`);
    },
    cancel: () => {
      actions.push("cancel");
      return Promise.resolve();
    },
    retry: () => {
      actions.push("retry");
    },
  });
  const provider = new ContextProvider(host, { context: streamContext, initialValue: value(view) });
  document.body.append(host);
  provider.hostConnected();
  const element = document.createElement(tag) as E;
  for (const [name, attribute] of Object.entries(attributes)) element.setAttribute(name, attribute);
  host.append(element);
  await element.updateComplete;
  return {
    element,
    actions,
    async setView(next) {
      provider.setValue(value(next));
      await element.updateComplete;
    },
    provide: (next) => provider.setValue(value(next)),
    remove: () => host.remove(),
  };
}

/** A view with nothing in it, with `overrides` applied. */
export function view(overrides: Partial<ViewState> = {}): ViewState {
  return { ...initialViewState(), ...overrides };
}

/** A reasoning section of a four-stage run. */
export function section(stage: string, overrides: Partial<Section> = {}): Section {
  return {
    stage,
    panel: "reasoning",
    title: `${stage[0].toUpperCase()}${stage.slice(1)} analysis`,
    stageIndex: 0,
    stageCount: 4,
    status: "pending",
    text: "",
    chunkCount: 0,
    ...overrides,
  };
}

/** A chat message. */
export function message(id: string, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return { id, role: "assistant", content: "", status: "complete", ...overrides };
}

/** Lets pending promise work (a copy, a send) finish, then waits for the element's render. */
export async function settle(element: { updateComplete: Promise<boolean> }): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve));
  await element.updateComplete;
}

/** The element's shadow root. */
export function shadow(element: HTMLElement): ShadowRoot {
  return element.shadowRoot!;
}

/** Text content with whitespace runs collapsed and trimmed. */
export function textOf(node: Node | null | undefined): string {
  return (node?.textContent ?? "").replace(/\s+/g, " ").trim();
}
