/** The memory probe the orchestrators trigger with SIGUSR2 (see server-entry.ts). */

/**
 * On SIGUSR2: collect garbage when `gc` is exposed, then print `MEMORY <Deno.memoryUsage()>`.
 * V8 frees the buffers of collected ArrayBuffers on a background sweeper, after the collection:
 * read at once, `external` still counts the frames of every run that just ended. A second
 * collection a little later reads what is really kept.
 */
export function reportMemoryOnSignal(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  Deno.addSignalListener("SIGUSR2", () => {
    gc?.();
    setTimeout(() => {
      gc?.();
      console.error(`MEMORY ${JSON.stringify(Deno.memoryUsage())}`);
    }, SWEEP_WAIT_MS);
  });
}

/** Long enough for the sweeper to finish here: a probe 2 s later reads the same. */
const SWEEP_WAIT_MS = 250;
