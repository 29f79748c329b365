/**
 * The peer: what a team would pick instead, measured by the same load client at the same rates.
 * Node's `http` server with the AI SDK's `streamText` over a timed mock model, answered with
 * `pipeUIMessageStreamToResponse` (the AI SDK's own UI message stream over SSE). The model sends
 * the same word-level chunks as the floor on the same drift-free schedule; each text delta
 * carries its send time as provider metadata (`{bench: {ts}}`, forwarded by the UI message
 * stream), so latency is measured as for the real server. Listens on 127.0.0.1, any free port;
 * prints `LISTENING …`; on SIGUSR2 collects garbage (`--expose-gc`) and prints `MEMORY {…}`.
 *
 *   GET|POST /stream?chunks=K&rate=R&first=F   K text deltas at R/s after F ms
 */
import { createServer } from "node:http";
import { streamText } from "ai";
import { MockLanguageModelV2 } from "ai/test";

// The floor's text, in chunks of 5–10 characters ending at a space where possible, as the
// server's chunker makes them.
const TEXT =
  "The patient is a 58-year-old with crushing substernal chest pain radiating to the left arm, " +
  "diaphoresis and nausea for 40 minutes. **ECG** shows ST elevation in II, III and aVF. " +
  "Troponin I is 2.4 ng/mL. Aspirin 325 mg was given; heparin per protocol; cardiology is paged " +
  "for emergent catheterisation. Blood pressure 142/88, heart rate 96, SpO2 97% on room air. ";
const CHUNKS = wordChunks(TEXT.repeat(8));

/** Cuts text into pieces of at most 10 characters, ending after a space when one is near. */
function wordChunks(text) {
  const chunks = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + 10, text.length);
    const space = text.lastIndexOf(" ", end - 1);
    if (end < text.length && space >= at + 4) end = space + 1;
    chunks.push(text.slice(at, end));
    at = end;
  }
  return chunks;
}

const usage = { inputTokens: 10, outputTokens: 100, totalTokens: 110 };

/** A model stream that sends `chunks` deltas, delta i at `first + i / rate` ms (drift-free). */
function timedStream(chunks, rate, first) {
  let timer;
  let index = 0;
  const start = performance.now();
  return new ReadableStream({
    start(controller) {
      controller.enqueue({ type: "stream-start", warnings: [] });
      controller.enqueue({ type: "text-start", id: "t" });
      const tick = () => {
        const now = performance.now();
        while (index < chunks && start + first + index * 1000 / rate <= now) {
          controller.enqueue({
            type: "text-delta",
            id: "t",
            delta: CHUNKS[index % CHUNKS.length],
            providerMetadata: { bench: { ts: Date.now() } },
          });
          index++;
        }
        if (index < chunks) {
          timer = setTimeout(tick, start + first + index * 1000 / rate - performance.now());
          return;
        }
        controller.enqueue({ type: "text-end", id: "t" });
        controller.enqueue({ type: "finish", finishReason: "stop", usage });
        controller.close();
      };
      tick();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}

function handle(request, response) {
  const url = new URL(request.url, "http://127.0.0.1");
  if (url.pathname !== "/stream") {
    response.writeHead(404).end("not found");
    return;
  }
  const param = (name, fallback) => Number(url.searchParams.get(name) ?? fallback);
  const chunks = param("chunks", 100);
  const rate = param("rate", 50);
  const first = param("first", 0);
  const abort = new AbortController();
  response.on("close", () => abort.abort());
  // A request body (POST) is read and dropped, as a chat route would parse it.
  request.resume();
  const result = streamText({
    model: new MockLanguageModelV2({
      doStream: () => Promise.resolve({ stream: timedStream(chunks, rate, first) }),
    }),
    prompt: "hello",
    abortSignal: abort.signal,
  });
  result.pipeUIMessageStreamToResponse(response);
}

// As bench/lib/memory-signal.ts: a second collection after the buffers' sweeper ran.
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  setTimeout(() => {
    globalThis.gc?.();
    const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
    console.error(`MEMORY ${JSON.stringify({ rss, heapTotal, heapUsed, external })}`);
  }, 250);
});

const server = createServer({ keepAliveTimeout: 5000 }, handle);
server.listen(0, "127.0.0.1", () => {
  console.log(`LISTENING http://127.0.0.1:${server.address().port}`);
});
