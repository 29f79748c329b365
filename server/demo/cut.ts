/**
 * The demo's connection cut, as a transform around an SSE response body: the frames go through
 * whole until the content chunks sent reach a character count, then the body ends abruptly, as a
 * dropped connection would, after the chunk that reached it.
 */
import { abruptEnd } from "../sse/run-stream.ts";

const FRAME_END = "\n\n";

/** `body`, cut after `chars` content characters. */
export function cutAfter(
  body: ReadableStream<Uint8Array>,
  chars: number,
  onCut: () => void,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  let sent = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(bytes, controller) {
        pending += decoder.decode(bytes, { stream: true });
        for (let end = pending.indexOf(FRAME_END); end !== -1; end = pending.indexOf(FRAME_END)) {
          const frame = pending.slice(0, end + FRAME_END.length);
          pending = pending.slice(end + FRAME_END.length);
          controller.enqueue(encoder.encode(frame));
          sent += contentLength(frame);
          if (sent >= chars) {
            onCut();
            controller.error(abruptEnd("demo connection cut"));
            return;
          }
        }
      },
    }),
  );
}

/** Content characters of a frame: its chunk's text, else nothing. */
function contentLength(frame: string): number {
  const data = /^data: (.*)$/m.exec(frame)?.[1];
  if (data === undefined) return 0;
  const event = JSON.parse(data) as { type?: string; content?: unknown };
  return event.type === "content_chunk" && typeof event.content === "string"
    ? event.content.length
    : 0;
}
