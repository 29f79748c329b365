/** DOM helpers for the browser suite: mounting fixtures and waiting on elements and events. */

const mounted: HTMLElement[] = [];

/** Renders `markup` into a fresh container attached to the body; `unmountAll` removes it. */
export function mount<T extends Element = HTMLElement>(markup: string): T {
  const container = document.createElement("div");
  container.innerHTML = markup;
  document.body.append(container);
  mounted.push(container);
  return container.firstElementChild as T;
}

/** Removes every container `mount` added (call in afterEach). */
export function unmountAll(): void {
  for (const container of mounted.splice(0)) container.remove();
}

/** Resolves with the next `name` event `target` fires, failing after `timeoutMs`. */
export function nextEvent<E extends Event = Event>(
  target: EventTarget,
  name: string,
  timeoutMs = 15000,
): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`No "${name}" event within ${timeoutMs} ms`)),
      timeoutMs,
    );
    target.addEventListener(name, (event) => {
      clearTimeout(timer);
      resolve(event as E);
    }, { once: true });
  });
}

/** Records every `name` event `target` fires from now on. */
export function recordEvents<E extends Event = Event>(target: EventTarget, name: string): E[] {
  const seen: E[] = [];
  target.addEventListener(name, (event) => seen.push(event as E));
  return seen;
}

/** Polls `check` each animation frame until it returns a truthy value, failing after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T,
  { timeoutMs = 15000, what = "condition" } = {},
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}
