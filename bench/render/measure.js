// In-page measurement for the render benchmark: stamp→DOM, stamp→frame, long tasks, frame
// intervals and the duration of every element update (performUpdate).
// `globalThis.bench.run(message)` sends one chat message through <stream-provider> and resolves
// with the figures when the run ends.
await customElements.whenDefined("chat-stream");
const provider = document.querySelector("stream-provider");
// The server's origin: the page talks to it cross-origin, as an embedding portal would.
provider.apiBase = new URLSearchParams(location.search).get("api") ?? "";
const chat = document.querySelector("chat-stream");
const now = () => performance.timeOrigin + performance.now();

const appliedLatency = [];
const domLatency = [];
const frameLatency = [];
const updateMs = [];
const frameIntervals = [];
const longTasks = [];
let pending = [];
let text = "";
let streaming = false;

// Every content event applied to the view waits for the next DOM change of <chat-stream>.
provider.addEventListener("stream-event", ({ detail: { event } }) => {
  if (event.type !== "content_chunk") return;
  text += event.content;
  pending.push(event.ts);
  appliedLatency.push(now() - event.ts);
});

// The first task after a DOM change made in an animation frame runs once that frame is rendered.
const channel = new MessageChannel();
let painted = [];
channel.port1.onmessage = () => {
  const at = now();
  for (const ts of painted) frameLatency.push(at - ts);
  painted = [];
};
new MutationObserver(() => {
  if (pending.length === 0) return;
  const at = now();
  for (const ts of pending) domLatency.push(at - ts);
  painted.push(...pending);
  pending = [];
  channel.port2.postMessage(0);
}).observe(chat.shadowRoot, {
  subtree: true,
  childList: true,
  characterData: true,
  attributes: false,
});

// Time spent in each update of the element: template render, DOM commit and the `updated` hooks
// of its controllers (which may force a layout, e.g. to stick to the bottom).
const proto = customElements.get("chat-stream").prototype;
const performUpdate = proto.performUpdate;
proto.performUpdate = function () {
  const start = performance.now();
  const result = performUpdate.call(this);
  if (streaming) updateMs.push(performance.now() - start);
  return result;
};

// Long tasks and slow frames are kept with their time since the message was sent, to tell a
// start-up cost from one that grows with the text.
let sentAt = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (streaming) {
      longTasks.push({
        atMs: Math.round(entry.startTime - sentAt),
        ms: Math.round(entry.duration),
      });
    }
  }
}).observe({ type: "longtask" });
const slowFrames = [];

let lastFrame;
const frame = (t) => {
  if (streaming && lastFrame !== undefined) {
    frameIntervals.push(t - lastFrame);
    if (t - lastFrame > 25) {
      slowFrames.push({ atMs: Math.round(lastFrame - sentAt), ms: Math.round(t - lastFrame) });
    }
  }
  lastFrame = t;
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
    : NaN;
}

function mean(values) {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

globalThis.bench = {
  /** Streams the reply to `message`; resolves with the measurements. */
  run(message) {
    return new Promise((resolve) => {
      const startedAt = now();
      provider.addEventListener("stream-done", (e) => {
        // Lets the last frame render before reading.
        setTimeout(() => {
          streaming = false;
          const tenth = Math.max(1, Math.floor(updateMs.length / 10));
          const startMean = mean(updateMs.slice(0, tenth));
          const endMean = mean(updateMs.slice(-tenth));
          resolve({
            finishReason: e.detail.finishReason,
            verified: e.detail.verified,
            text,
            elapsedMs: now() - startedAt,
            chunks: domLatency.length,
            stampToAppliedMs: {
              p50: quantile(appliedLatency, 0.5),
              p99: quantile(appliedLatency, 0.99),
              max: quantile(appliedLatency, 1),
            },
            stampToDomMs: {
              p50: quantile(domLatency, 0.5),
              p99: quantile(domLatency, 0.99),
              max: quantile(domLatency, 1),
            },
            stampToFrameMs: {
              p50: quantile(frameLatency, 0.5),
              p99: quantile(frameLatency, 0.99),
              max: quantile(frameLatency, 1),
            },
            updates: updateMs.length,
            updateMs: {
              p50: quantile(updateMs, 0.5),
              p99: quantile(updateMs, 0.99),
              max: quantile(updateMs, 1),
            },
            updateStartMs: startMean,
            updateEndMs: endMean,
            updateEndOverStart: endMean / startMean,
            longTasks: longTasks.length,
            longTaskList: longTasks,
            slowFrames,
            frames: frameIntervals.length,
            framesOver25ms: frameIntervals.filter((ms) => ms > 25).length,
            frameIntervalMs: {
              p50: quantile(frameIntervals, 0.5),
              p99: quantile(frameIntervals, 0.99),
              max: quantile(frameIntervals, 1),
            },
          });
        }, 100);
      }, { once: true });
      streaming = true;
      sentAt = performance.now();
      provider.send(message);
    });
  },
};
globalThis.benchReady = true;
