/**
 * The panels rendering each provider, so that one of them — the one where the run was writing
 * when it failed — shows the run's error with Retry, instead of every panel showing it.
 */
import type { Panel } from "../protocol/events.ts";

/** A panel as the registry knows it. */
export interface RegisteredPanel {
  readonly panel: Panel;
  /** Whether it shows this stage (a reasoning panel may show one stage only). */
  showsStage(stage: string): boolean;
}

const registered = new WeakMap<Element, Set<RegisteredPanel>>();

/** The nearest `<stream-provider>` around `element`, across shadow roots, as context finds it. */
export function providerOf(element: Element): Element | undefined {
  for (let node: Node | null = element.parentNode; node;) {
    if (node instanceof Element && node.localName === "stream-provider") return node;
    node = node instanceof ShadowRoot ? node.host : node.parentNode;
  }
  return undefined;
}

/** Adds `panel` to the panels of `provider`. */
export function registerPanel(provider: Element, panel: RegisteredPanel): void {
  const panels = registered.get(provider) ?? new Set();
  registered.set(provider, panels.add(panel));
}

/** Removes `panel` from the panels of `provider`. */
export function unregisterPanel(provider: Element, panel: RegisteredPanel): void {
  registered.get(provider)?.delete(panel);
}

/**
 * The panel of `provider` that shows an error at `place`: the first that shows that panel's
 * stage, else the first of that panel, else the first of any.
 */
export function errorShownBy(
  provider: Element,
  place: { panel: Panel; stage?: string },
): RegisteredPanel | undefined {
  const panels = [...registered.get(provider) ?? []];
  const same = panels.filter((candidate) => candidate.panel === place.panel);
  return same.find((candidate) => place.stage === undefined || candidate.showsStage(place.stage)) ??
    same[0] ?? panels[0];
}
