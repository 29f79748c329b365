// A local OpenAI-compatible endpoint (POST /v1/chat/completions, streaming) that sends a fixed
// text as deltas on a fixed schedule, so the real server (LLM_PROVIDER=openai) can be fed at an
// exact pace with any text. Listens on 127.0.0.1, any free port.
import { createServer } from "node:http";

/**
 * Starts the endpoint; `play` holds the deltas and their spacing in ms and can be swapped between
 * runs. Resolves `{baseUrl, setPlay(play), close()}`.
 */
export function startFakeUpstream() {
  let play = { deltas: ["Hello."], intervalMs: 10 };
  const server = createServer((request, response) => {
    if (request.method !== "POST" || !request.url.endsWith("/chat/completions")) {
      response.writeHead(404).end();
      return;
    }
    request.resume();
    request.on("end", () => stream(response, play));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        baseUrl: `http://127.0.0.1:${port}/v1`,
        setPlay(next) {
          play = next;
        },
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(done);
          }),
      });
    });
  });
}

function frame(delta, finish = null) {
  const chunk = {
    id: "bench",
    object: "chat.completion.chunk",
    created: 0,
    model: "bench",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** Sends delta i at `i × intervalMs` from the start (drift-free), then the finish and [DONE]. */
function stream(response, { deltas, intervalMs }) {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.write(frame({ role: "assistant", content: "" }));
  const start = performance.now();
  let next = 0;
  let timer;
  const tick = () => {
    const due = Math.floor((performance.now() - start) / intervalMs) + 1;
    while (next < Math.min(due, deltas.length)) response.write(frame({ content: deltas[next++] }));
    if (next < deltas.length) {
      timer = setTimeout(tick, start + next * intervalMs - performance.now());
      return;
    }
    response.write(frame({}, "stop"));
    response.end("data: [DONE]\n\n");
  };
  response.on("close", () => clearTimeout(timer));
  tick();
}
