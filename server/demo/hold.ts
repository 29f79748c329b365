/**
 * The demo's buffering hop: an SSE response held as a proxy that ignores `X-Accel-Buffering`
 * holds it — headers and body together, until 64 KB have collected or the body ends — then let
 * through in that burst and the rest as it comes.
 */

/** What such a proxy collects before it lets anything through. */
const HOLD_BYTES = 64 * 1024;

/** `response`, once its first HOLD_BYTES (or all of it, when shorter) have arrived. */
export async function heldBack(response: Response): Promise<Response> {
  const reader = response.body!.getReader();
  const held: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < HOLD_BYTES) {
    const step = await reader.read().catch(() => ({ done: true as const, value: undefined }));
    if (step.done) {
      ended = true;
      break;
    }
    held.push(step.value);
    size += step.value.byteLength;
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const bytes of held) controller.enqueue(bytes);
      if (ended) controller.close();
    },
    async pull(controller) {
      const step = await reader.read();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, response);
}
