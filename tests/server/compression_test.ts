/**
 * Compressed responses (SSE_COMPRESSION): the same workflow on the wire with and without gzip,
 * events and heartbeats leaving the encoder as they happen, the headers, and who gets what.
 */
import assert from "node:assert/strict";
import { createGunzip, gunzipSync } from "node:zlib";
import type { SequencedEvent } from "../../protocol/events.ts";
import { acceptsGzip, JSON_MIN_BYTES } from "../../server/http/compression.ts";
import { flushedGzip } from "../../server/http/gzip-stream.ts";
import { gatedProvider, makeApp, panelText, readEvents, startChatRun, waitFor } from "./harness.ts";

const WORKFLOW = "/api/cases/chest-pain-acs/workflow/start/stream";
const GZIP = { "accept-encoding": "gzip, deflate, br" };

/** Every byte of a body, as it came. */
async function bytesOf(response: Response): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await response.arrayBuffer());
}

/** The events of an SSE body given as bytes. */
function eventsOf(bytes: Uint8Array<ArrayBuffer>): Promise<SequencedEvent[]> {
  return readEvents(new Response(bytes));
}

/** Reads a gzip body chunk by chunk, decoding each as it arrives. */
function gunzipReader(response: Response) {
  const gunzip = createGunzip();
  let text = "";
  gunzip.on("data", (bytes: Uint8Array) => (text += new TextDecoder().decode(bytes)));
  const reader = response.body!.getReader();
  void (async () => {
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      gunzip.write(step.value);
    }
  })().catch(() => {});
  return { text: () => text, cancel: () => reader.cancel() };
}

Deno.test("compression: a workflow's SSE body is at least 5× smaller gzip-encoded, same events", async () => {
  const h = makeApp();
  try {
    const plain = await bytesOf(await h.app.request(WORKFLOW));
    const response = await h.app.request(WORKFLOW, { headers: GZIP });
    assert.equal(response.headers.get("content-encoding"), "gzip");
    const gzipped = await bytesOf(response);
    const [before, after] = [
      await eventsOf(plain),
      await eventsOf(new Uint8Array(gunzipSync(gzipped))),
    ];
    const text = panelText(before, "reasoning") + panelText(before, "chat");
    console.log(
      `workflow of ${text.length} characters: ${plain.length} bytes plain, ${gzipped.length} ` +
        `gzip (${(plain.length / gzipped.length).toFixed(1)}× fewer)`,
    );
    assert.equal(after.length, before.length);
    assert.equal(panelText(after, "reasoning"), panelText(before, "reasoning"));
    assert.equal(panelText(after, "chat"), panelText(before, "chat"));
    assert.ok(plain.length >= 5 * gzipped.length, `${plain.length} vs ${gzipped.length}`);
  } finally {
    h.close();
  }
});

Deno.test("compression: flushed after every event, as a live run is sent, still at least 5× smaller", async () => {
  const h = makeApp();
  try {
    const plain = await bytesOf(await h.app.request(WORKFLOW));
    // The worst case: each message its own flush, as when the model is slower than the network.
    const messages = new TextDecoder().decode(plain).split(/(?<=\n\n)/);
    const encoder = new TextEncoder();
    const flushed = await bytesOf(
      new Response(
        flushedGzip(ReadableStream.from(messages.map((message) => encoder.encode(message)))),
      ),
    );
    console.log(
      `${messages.length} messages, each flushed: ${plain.length} bytes plain, ${flushed.length} ` +
        `gzip (${(plain.length / flushed.length).toFixed(1)}× fewer)`,
    );
    assert.equal(new TextDecoder().decode(gunzipSync(flushed)), new TextDecoder().decode(plain));
    assert.ok(plain.length >= 5 * flushed.length, `${plain.length} vs ${flushed.length}`);
  } finally {
    h.close();
  }
});

Deno.test("compression: each event leaves the encoder while the model is still writing", async () => {
  const model = gatedProvider();
  const h = makeApp({ provider: model.provider });
  try {
    const { runId } = await startChatRun(h.app);
    const body = gunzipReader(await h.app.request(`/api/runs/${runId}/stream`, { headers: GZIP }));
    model.push("First words ");
    await waitFor(() => body.text().includes('"content":"First "'));
    // A whole event, decodable before the model says anything more.
    assert.match(body.text(), /^retry: 1000\n\n(id: [^\n]+\ndata: [^\n]+\n\n)+/);
    assert.ok(body.text().endsWith("\n\n"));
    model.end();
    await waitFor(() => body.text().includes('"stream_done"'));
  } finally {
    h.close();
  }
});

Deno.test("compression: heartbeats are flushed as they are sent", async () => {
  const model = gatedProvider();
  const h = makeApp({ provider: model.provider, config: { heartbeatMs: 20 } });
  try {
    const { runId } = await startChatRun(h.app);
    const body = gunzipReader(await h.app.request(`/api/runs/${runId}/stream`, { headers: GZIP }));
    await waitFor(() => body.text().includes('"type":"heartbeat"'));
    await body.cancel();
    model.end();
  } finally {
    h.close();
  }
});

Deno.test("compression: a gzip stream keeps the SSE headers and says it varies by encoding", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request(WORKFLOW, { headers: GZIP });
    await response.body?.cancel();
    assert.deepEqual(
      ["content-type", "cache-control", "x-accel-buffering", "content-encoding", "vary"].map(
        (name) => response.headers.get(name),
      ),
      [
        "text/event-stream; charset=utf-8",
        "no-store, no-transform",
        "no",
        "gzip",
        "Accept-Encoding",
      ],
    );
  } finally {
    h.close();
  }
});

Deno.test("compression: a client that does not accept gzip gets the plain stream", async () => {
  const h = makeApp();
  try {
    const refusals: Record<string, string>[] = [{}, { "accept-encoding": "gzip;q=0, identity" }];
    for (const headers of refusals) {
      const response = await h.app.request(WORKFLOW, { headers });
      assert.equal(response.headers.get("content-encoding"), null);
      assert.equal(response.headers.get("vary"), "Accept-Encoding");
      assert.equal((await readEvents(response)).at(-1)?.type, "stream_done");
    }
  } finally {
    h.close();
  }
});

Deno.test("compression: SSE_COMPRESSION=off sends every stream plain", async () => {
  const h = makeApp({ config: { sseCompression: "off" } });
  try {
    const response = await h.app.request(WORKFLOW, { headers: GZIP });
    assert.equal(response.headers.get("content-encoding"), null);
    assert.equal((await readEvents(response)).at(-1)?.type, "stream_done");
  } finally {
    h.close();
  }
});

Deno.test("compression: JSON answers from JSON_MIN_BYTES on are gzip-encoded, smaller ones not", async () => {
  const h = makeApp();
  try {
    const plain = await (await h.app.request("/api/cases")).text();
    assert.ok(plain.length >= JSON_MIN_BYTES);
    const large = await h.app.request("/api/cases", { headers: GZIP });
    assert.equal(large.headers.get("content-encoding"), "gzip");
    assert.equal(new TextDecoder().decode(gunzipSync(await bytesOf(large))), plain);
    const small = await h.app.request("/api/health", { headers: GZIP });
    assert.equal(small.headers.get("content-encoding"), null);
    assert.equal((await small.json()).status, "ok");
  } finally {
    h.close();
  }
});

Deno.test("acceptsGzip reads qualities: listed, wildcard, refused", () => {
  assert.deepEqual(
    [
      "gzip, deflate, br",
      "br;q=1.0, gzip;q=0.8",
      "*",
      "identity",
      "gzip;q=0",
      "*, gzip;q=0",
      "",
      undefined,
    ].map(acceptsGzip),
    [true, true, true, false, false, false, false, false],
  );
});
