/**
 * Streams and tickets under auth: a stream ends cleanly when its token expires and resumes with a
 * fresh one with no gap and no duplicate; tickets are single-use, for one run, for one minute;
 * presence names who is attached.
 */
import assert from "node:assert/strict";
import type { SequencedEvent } from "../../protocol/events.ts";
import { createSseDecoder } from "../../protocol/sse-decode.ts";
import { digestOf } from "../../server/runs/digest.ts";
import { NOW_S } from "../support/tokens.ts";
import { gatedProvider, panelText, readEvents, waitFor } from "./harness.ts";
import { as, authApp, people, tokenFor } from "./auth-rig.ts";

/** Reads SSE events from a body as they come; `done` once the body ended cleanly. */
function eventReader(response: Response) {
  const decoder = createSseDecoder();
  const events: SequencedEvent[] = [];
  let done = false;
  const reader = response.body!.getReader();
  const finished = (async () => {
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      for (const message of decoder.push(step.value)) {
        const event = JSON.parse(message.data);
        if (event.type !== "heartbeat") events.push(event);
      }
    }
    done = true;
  })();
  return { events, finished, done: () => done };
}

Deno.test("auth: a stream ends cleanly at token expiry and resumes with a fresh token", async () => {
  const gate = gatedProvider();
  // The model is quiet while the clock jumps past the token's expiry: no idle timeout here.
  const h = authApp({ provider: gate.provider, config: { upstreamIdleTimeoutMs: 3_600_000 } });
  try {
    // Valid until NOW_S + 60 s, plus the 30 s leeway.
    const short = await tokenFor("dr-ada", { exp: NOW_S + 60 });
    const started = await h.app.request(
      "/api/chat/messages",
      as(short, { method: "POST", body: { message: "Potassium?" } }),
    );
    const { runId } = await started.json();
    const first = eventReader(await h.app.request(`/api/runs/${runId}/stream`, as(short)));
    gate.push("Potassium is ", "5.9 mmol/L. ");
    // The chunker flushes a quiet provider's text after FLUSH_MS on the run's clock.
    await waitFor(() => {
      h.clock.advance(5);
      return panelText(first.events, "chat") === "Potassium is 5.9 mmol/L. ";
    });
    h.clock.advance((NOW_S + 90) * 1000 - 1 - h.clock.now());
    assert.equal(first.done(), false);
    h.clock.advance(1);
    await first.finished;
    assert.ok(first.events.every((e) => e.type !== "stream_done"), "ended before the run did");

    // The expired token is refused; a fresh one resumes from the cursor.
    const cursor = `${runId}.${first.events.at(-1)!.seq}`;
    const stale = await h.app.request(`/api/runs/${runId}/stream?lastEventId=${cursor}`, as(short));
    assert.equal(stale.status, 401);
    const fresh = await tokenFor("dr-ada", { exp: NOW_S + 3600 });
    const second = eventReader(
      await h.app.request(`/api/runs/${runId}/stream?lastEventId=${cursor}`, as(fresh)),
    );
    gate.push("Repeat the ECG.");
    gate.end();
    await second.finished;
    const all = [...first.events, ...second.events];
    assert.deepEqual(all.map((e) => e.seq), all.map((_, i) => i + 1));
    assert.equal(panelText(all, "chat"), "Potassium is 5.9 mmol/L. Repeat the ECG.");
    const done = all.at(-1) as SequencedEvent & { type: "stream_done" };
    assert.deepEqual(
      done.metadata.digest,
      digestOf({ reasoning: panelText(all, "reasoning"), chat: panelText(all, "chat") }),
    );
  } finally {
    h.close();
  }
});

Deno.test("auth: a ticket opens its run's stream once, and no other run or route", async () => {
  const h = authApp();
  const { ada, eve } = await people();
  const stage = (n: string) => `/api/cases/aki-nsaids/workflow/stages/${n}/stream`;
  try {
    const events = await readEvents(await h.app.request(stage("initial"), as(ada)));
    const other = await readEvents(await h.app.request(stage("plan"), as(ada)));
    const [runId, otherId] = [events[0].runId, other[0].runId];
    const ticket = async (token: string, id = runId) => {
      const response = await h.app.request(
        "/api/stream-tickets",
        as(token, { method: "POST", body: { runId: id } }),
      );
      return response.status === 201 ? (await response.json()).ticket as string : response.status;
    };
    assert.equal(await ticket(eve), 404);
    const once = await ticket(ada) as string;
    const opened = await h.app.request(`/api/runs/${runId}/stream?ticket=${once}`);
    assert.deepEqual(await readEvents(opened), events);
    assert.equal((await h.app.request(`/api/runs/${runId}/stream?ticket=${once}`)).status, 401);

    const elsewhere = await ticket(ada) as string;
    assert.equal(
      (await h.app.request(`/api/runs/${otherId}/stream?ticket=${elsewhere}`)).status,
      401,
    );
    const jsonRoute = await ticket(ada) as string;
    assert.equal((await h.app.request(`/api/runs/${runId}?ticket=${jsonRoute}`)).status, 401);

    const resume = await ticket(ada) as string;
    const resumed = await h.app.request(
      `${stage("initial")}?lastEventId=${runId}.4&ticket=${resume}`,
    );
    assert.deepEqual(await readEvents(resumed), events.slice(4));

    const late = await ticket(ada) as string;
    h.clock.advance(60_000);
    assert.equal((await h.app.request(`/api/runs/${runId}/stream?ticket=${late}`)).status, 401);
  } finally {
    h.close();
  }
});

Deno.test("auth: viewers lists who is attached, with their role, and forgets who left", async () => {
  const gate = gatedProvider();
  const h = authApp({ provider: gate.provider });
  const { ada, bo } = await people();
  try {
    const started = await h.app.request(
      "/api/chat/messages",
      as(ada, { method: "POST", body: { message: "Potassium?" } }),
    );
    const { runId } = await started.json();
    await h.app.request(
      `/api/runs/${runId}/observers`,
      as(ada, { method: "POST", body: { sub: "dr-bo" } }),
    );
    const owner = await h.app.request(`/api/runs/${runId}/stream`, as(ada));
    h.clock.advance(1000);
    const observer = await h.app.request(`/api/runs/${runId}/stream`, as(bo));
    const viewers = async () =>
      (await (await h.app.request(`/api/runs/${runId}/viewers`, as(bo)))
        .json()).viewers;
    assert.deepEqual(await viewers(), [
      { sub: "dr-ada", name: "Dr Ada", role: "owner", since: NOW_S * 1000 },
      { sub: "dr-bo", name: "Dr Bo", role: "observer", since: NOW_S * 1000 + 1000 },
    ]);
    await observer.body!.cancel();
    assert.deepEqual((await viewers()).map((v: { sub: string }) => v.sub), ["dr-ada"]);
    gate.end();
    await readEvents(owner);
    assert.deepEqual(await viewers(), []);
  } finally {
    h.close();
  }
});
