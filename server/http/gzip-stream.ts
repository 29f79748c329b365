/**
 * A gzip encoder for streamed bodies that holds nothing back: each chunk written is compressed and
 * sync-flushed (Z_SYNC_FLUSH) before the next is taken, so a chunk that ends an SSE event leaves
 * complete and decodable. `CompressionStream` cannot flush; node:zlib can.
 */
import { constants, createGzip } from "node:zlib";

/** A TransformStream that gzips its input, flushing after every chunk. */
export function flushedGzip(): TransformStream<Uint8Array, Uint8Array> {
  const gzip = createGzip();
  let output!: TransformStreamDefaultController<Uint8Array>;
  // zlib emits the flushed bytes before it calls back, so they are enqueued in order.
  gzip.on("data", (bytes: Uint8Array) => output.enqueue(new Uint8Array(bytes)));
  const ended = new Promise<void>((resolve) => gzip.once("end", resolve));
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      output = controller;
    },
    transform(chunk) {
      return new Promise<void>((resolve) => {
        gzip.write(chunk);
        gzip.flush(constants.Z_SYNC_FLUSH, () => resolve());
      });
    },
    flush() {
      gzip.end();
      return ended;
    },
    // The client went away or the body failed: the encoder's memory goes at once.
    cancel() {
      gzip.destroy();
    },
  } as Transformer<Uint8Array, Uint8Array>);
}
