/**
 * A gzip encoder for streamed bodies that holds nothing back: each chunk of the body is compressed
 * and sync-flushed (Z_SYNC_FLUSH) before the next is read, so a chunk that ends an SSE event leaves
 * complete and decodable. `CompressionStream` cannot flush; node:zlib can. Pulled one chunk at a
 * time, so a slow connection is seen by the body as not reading; a failed body ends the response
 * after every chunk read before it has left.
 */
import { constants, createGzip } from "node:zlib";

/** `body` gzip-encoded, flushed after every chunk. */
export function flushedGzip(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const gzip = createGzip();
  const reader = body.getReader();
  let output!: ReadableStreamDefaultController<Uint8Array>;
  // zlib emits the flushed bytes before it calls back, so they are enqueued in order.
  gzip.on("data", (bytes: Uint8Array) => output.enqueue(new Uint8Array(bytes)));
  const ended = new Promise<void>((resolve) => gzip.once("end", resolve));
  return new ReadableStream<Uint8Array>({
    start(controller) {
      output = controller;
    },
    async pull(controller) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (error) {
        gzip.destroy();
        return controller.error(error);
      }
      if (step.done) {
        gzip.end();
        await ended;
        return controller.close();
      }
      const chunk = step.value;
      await new Promise<void>((resolve) => {
        gzip.write(chunk);
        gzip.flush(constants.Z_SYNC_FLUSH, () => resolve());
      });
    },
    // The client went away: the body learns it, and the encoder's memory goes at once.
    cancel(reason) {
      gzip.destroy();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
