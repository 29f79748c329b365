/**
 * A run's review: its audit entries and its sealed record, for the owner and auditors only; the
 * record's seal matches and breaks at any changed byte.
 */
import assert from "node:assert/strict";
import { RUN_RECORD_FORMAT, verifyRecord } from "../../protocol/run-record.ts";
import { as, authApp, people, snapshot } from "./auth-rig.ts";
import { makeApp, readEvents, startChatRun } from "./harness.ts";

const UNKNOWN = "Zz0123456789abcdefghij";

Deno.test("run export holds the logged events, their digests and the audit, sealed", async () => {
  const h = makeApp();
  try {
    const { runId } = await startChatRun(h.app);
    await (await h.app.context.registry.find(runId))!.done;
    const events = await readEvents(await h.app.request(`/api/runs/${runId}/stream`));
    const response = await h.app.request(`/api/runs/${runId}/export`);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-disposition"),
      `attachment; filename="run-${runId}.json"`,
    );
    const file = await response.text();
    assert.equal(await verifyRecord(file), true);
    const { record } = JSON.parse(file);
    assert.equal(record.format, RUN_RECORD_FORMAT);
    assert.deepEqual(record.events, events);
    const done = events.at(-1)!;
    assert.equal(done.type, "stream_done");
    assert.deepEqual(record.digest, done.type === "stream_done" ? done.metadata.digest : {});
    assert.deepEqual(
      record.audit.map((entry: { action: string }) => entry.action),
      ["message", "replay", "read"],
    );
  } finally {
    h.close();
  }
});

Deno.test("run export seal breaks when any byte of the file changes", async () => {
  const h = makeApp();
  try {
    const { runId } = await startChatRun(h.app);
    await readEvents(await h.app.request(`/api/runs/${runId}/stream`));
    const file = await (await h.app.request(`/api/runs/${runId}/export`)).text();
    assert.equal(await verifyRecord(file), true);
    for (let i = 0; i < file.length; i++) {
      const changed = file.slice(0, i) + (file[i] === "a" ? "b" : "a") + file.slice(i + 1);
      assert.equal(await verifyRecord(changed), false, `byte ${i} changed`);
    }
    // Whitespace a JSON parser ignores is a change all the same.
    assert.equal(await verifyRecord(file.replace('"events":', '"events": ')), false);
  } finally {
    h.close();
  }
});

Deno.test("run audit and export: owner and auditor read them, an observer is forbidden", async () => {
  const h = authApp();
  const { ada, bo, cy } = await people();
  try {
    const start = await h.app.request(
      "/api/chat/messages",
      as(ada, { method: "POST", body: { message: "Hello" } }),
    );
    const { runId } = await start.json();
    await (await h.app.context.registry.find(runId))!.done;
    await readEvents(await h.app.request(`/api/runs/${runId}/stream`, as(ada)));
    await h.app.request(
      `/api/runs/${runId}/observers`,
      as(ada, { method: "POST", body: { sub: "dr-bo" } }),
    );
    await readEvents(await h.app.request(`/api/runs/${runId}/stream`, as(cy)));
    for (const token of [ada, cy]) {
      const audit = await h.app.request(`/api/runs/${runId}/audit`, as(token));
      assert.equal(audit.status, 200);
      const { entries } = await audit.json();
      assert.deepEqual(
        entries.slice(0, 4).map((e: { sub: string; action: string }) => `${e.sub} ${e.action}`),
        ["dr-ada message", "dr-ada replay", "dr-ada grant", "cy-audit replay"],
      );
      // Ids and outcomes only: the answer's words are nowhere in the trail.
      assert.ok(entries.every((e: object) => Object.keys(e).every((key) => key !== "content")));
      assert.equal((await h.app.request(`/api/runs/${runId}/export`, as(token))).status, 200);
    }
    for (const path of ["audit", "export"]) {
      const response = await h.app.request(`/api/runs/${runId}/${path}`, as(bo));
      assert.equal(response.status, 403);
      assert.equal((await response.json()).error.code, "forbidden");
    }
  } finally {
    h.close();
  }
});

Deno.test("run audit and export give a stranger exactly what an unknown id gets", async () => {
  const h = authApp();
  const { ada, eve } = await people();
  try {
    const start = await h.app.request(
      "/api/chat/messages",
      as(ada, { method: "POST", body: { message: "Hello" } }),
    );
    const { runId } = await start.json();
    for (const path of ["audit", "export"]) {
      const stranger = await snapshot(await h.app.request(`/api/runs/${runId}/${path}`, as(eve)));
      const unknown = await snapshot(await h.app.request(`/api/runs/${UNKNOWN}/${path}`, as(eve)));
      assert.deepEqual(stranger, unknown, path);
      assert.equal(stranger.status, 404, path);
    }
  } finally {
    h.close();
  }
});
