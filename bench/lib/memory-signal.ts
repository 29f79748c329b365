/** The memory probe the orchestrators trigger with SIGUSR2 (see server-entry.ts). */

/** On SIGUSR2: collect garbage when `gc` is exposed, then print `MEMORY <Deno.memoryUsage()>`. */
export function reportMemoryOnSignal(): void {
  Deno.addSignalListener("SIGUSR2", () => {
    (globalThis as { gc?: () => void }).gc?.();
    console.error(`MEMORY ${JSON.stringify(Deno.memoryUsage())}`);
  });
}
