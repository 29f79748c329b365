/** Registers a custom element unless the name is taken, so loading the bundle twice never throws. */
export function defineOnce(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
