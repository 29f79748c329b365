/**
 * Results out by webhook (DESIGN.md §9): each run's end is posted with a valid Standard Webhooks
 * signature, retried after an error status, and delivered after a restart in between, with the
 * same `webhook-id` on every attempt.
 */
import assert from "node:assert/strict";
import { Webhook } from "standardwebhooks";
import { createLogger } from "../../server/log.ts";
import { type Clock, systemClock } from "../../server/runs/timers.ts";
import { openSqliteOutbox, type Outbox } from "../../server/storage/sqlite-outbox.ts";
import { createWebhookSender, type WebhookSender } from "../../server/webhooks/webhook-sender.ts";
import { makeApp, readEvents, waitFor } from "./harness.ts";

const SECRET = `whsec_${btoa("a-test-secret-of-32-bytes-length")}`;

/** A receiver answering each delivery with the next queued status (then 204). */
function startReceiver(statuses: number[] = []) {
  const received: { headers: Headers; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    received.push({ headers: req.headers, body: await req.text() });
    return new Response(null, { status: statuses.shift() ?? 204 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hooks`,
    received,
    close: () => server.shutdown(),
  };
}

function sender(
  url: string,
  outbox: Outbox,
  { clock = systemClock, retryDelaysMs = [50, 50, 50] }: {
    clock?: Clock;
    retryDelaysMs?: number[];
  } = {},
): WebhookSender {
  return createWebhookSender({
    url,
    secret: SECRET,
    outbox,
    clock,
    log: createLogger(() => {}),
    retryDelaysMs,
  });
}

/** Runs one catalog analysis to its end on an app that tells `webhooks`; returns its run id. */
async function runOnce(webhooks: WebhookSender): Promise<string> {
  const h = makeApp({ webhooks });
  try {
    const events = await readEvents(
      await h.app.request("/api/cases/aki-nsaids/workflow/stages/initial/stream"),
    );
    return events[0].runId;
  } finally {
    h.close();
  }
}

Deno.test("webhook: a run's end arrives with a valid signature and the run's result", async () => {
  const receiver = startReceiver();
  const outbox = openSqliteOutbox(":memory:");
  const hooks = sender(receiver.url, outbox);
  try {
    const runId = await runOnce(hooks);
    await waitFor(() => receiver.received.length === 1);
    const [{ headers, body }] = receiver.received;
    const payload = new Webhook(SECRET).verify(body, {
      "webhook-id": headers.get("webhook-id")!,
      "webhook-timestamp": headers.get("webhook-timestamp")!,
      "webhook-signature": headers.get("webhook-signature")!,
    }) as { type: string; timestamp: string; data: Record<string, unknown> };
    assert.equal(headers.get("webhook-id"), `msg_${runId}`);
    assert.equal(payload.type, "run.finished");
    assert.equal(payload.data.runId, runId);
    assert.equal(payload.data.workflow, "clinical-review");
    assert.equal(payload.data.finishReason, "stop");
    assert.equal(payload.timestamp, new Date(payload.data.endedAt as number).toISOString());
    await waitFor(() => outbox.state(`msg_${runId}`) === "delivered");
  } finally {
    hooks.stop();
    outbox.close();
    await receiver.close();
  }
});

Deno.test("webhook: a 500 is retried with the same id and body, each attempt validly signed", async () => {
  const receiver = startReceiver([500]);
  const outbox = openSqliteOutbox(":memory:");
  const hooks = sender(receiver.url, outbox);
  try {
    const runId = await runOnce(hooks);
    await waitFor(() => outbox.state(`msg_${runId}`) === "delivered");
    assert.equal(receiver.received.length, 2);
    const verifier = new Webhook(SECRET);
    for (const { headers, body } of receiver.received) {
      assert.equal(headers.get("webhook-id"), `msg_${runId}`);
      verifier.verify(body, Object.fromEntries(headers));
    }
    assert.equal(receiver.received[0].body, receiver.received[1].body);
  } finally {
    hooks.stop();
    outbox.close();
    await receiver.close();
  }
});

Deno.test("webhook: a message that failed before a restart is delivered after it", async () => {
  const receiver = startReceiver([503]);
  const file = await Deno.makeTempFile({ suffix: ".db" });
  try {
    const first = openSqliteOutbox(file);
    const before = sender(receiver.url, first, { retryDelaysMs: [60_000] });
    const runId = await runOnce(before);
    await waitFor(() => receiver.received.length === 1);
    await before.idle();
    // The process stops while the retry waits: nothing but the database survives.
    before.stop();
    first.close();
    assert.equal(receiver.received.length, 1);

    const second = openSqliteOutbox(file);
    // The restarted process comes up after the retry was due.
    const later = { ...systemClock, now: () => Date.now() + 61_000 };
    const after = sender(receiver.url, second, { clock: later });
    try {
      after.start();
      await waitFor(() => second.state(`msg_${runId}`) === "delivered");
      assert.equal(receiver.received.length, 2);
      const [failed, delivered] = receiver.received;
      assert.equal(delivered.headers.get("webhook-id"), failed.headers.get("webhook-id"));
      assert.equal(delivered.body, failed.body);
      new Webhook(SECRET).verify(delivered.body, Object.fromEntries(delivered.headers));
    } finally {
      after.stop();
      second.close();
    }
  } finally {
    await receiver.close();
    await Deno.remove(file);
    await Deno.remove(`${file}-wal`).catch(() => {});
    await Deno.remove(`${file}-shm`).catch(() => {});
  }
});
