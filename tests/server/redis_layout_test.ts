import assert from "node:assert/strict";
import {
  conversationKeys,
  effectiveStatus,
  entryId,
  leaseCheckMs,
  leaseExpiry,
  leaseRenewMs,
  metaFields,
  parseMeta,
  runKeys,
  seqOfEntry,
} from "../../server/storage/redis-layout.ts";

const INFO = { id: "R".repeat(22), kind: "chat" as const, plan: [], createdAt: 5 };

Deno.test("redis layout maps seq to stream entry ids and back", () => {
  for (const seq of [1, 2, 99, 123456]) assert.equal(seqOfEntry(entryId(seq)), seq);
  assert.equal(entryId(7), "7-0");
  for (const id of ["0-0", "7-1", "abc", "-1-0", "", "1e3-0"]) {
    assert.equal(seqOfEntry(id), undefined, id);
  }
});

Deno.test("redis layout names every key of a run and a conversation under the prefix", () => {
  const keys = runKeys("abc");
  assert.deepEqual(keys, {
    meta: "sw:run:abc",
    events: "sw:run:abc:events",
    viewers: "sw:run:abc:viewers",
    log: "sw:runlog:abc",
  });
  assert.deepEqual(conversationKeys("c1"), {
    meta: "sw:conv:c1",
    messages: "sw:conv:c1:messages",
  });
});

Deno.test("redis layout reads back the metadata it writes, and refuses foreign hashes", () => {
  const meta = parseMeta(metaFields(INFO, "instance-1", 1000));
  assert.deepEqual(meta, {
    info: INFO,
    status: "running",
    owner: "instance-1",
    lastSeq: 0,
    leaseUntil: 1000,
  });
  assert.equal(parseMeta({}), undefined);
  assert.equal(parseMeta({ info: "{", status: "running" }), undefined);
  assert.equal(parseMeta({ info: "{}", status: "paused" }), undefined);
});

Deno.test("redis layout counts a running run past its lease as lost, a finished one never", () => {
  assert.equal(effectiveStatus({ status: "running", leaseUntil: 1000 }, 1000), "running");
  assert.equal(effectiveStatus({ status: "running", leaseUntil: 1000 }, 1001), "lost");
  assert.equal(effectiveStatus({ status: "complete", leaseUntil: 0 }, 5000), "complete");
});

Deno.test("redis lease timings detect a dead owner within the lease", () => {
  for (const leaseMs of [100, 1500, 10_000, 60_000]) {
    const check = leaseCheckMs(leaseMs);
    const renew = leaseRenewMs(leaseMs);
    assert.ok(renew < leaseMs - check, `renewal keeps the lease alive (${leaseMs})`);
    // Owner renews at t=0 and dies; the lease lapses at expiry, a follower looks at most one
    // check later.
    assert.ok(leaseExpiry(0, leaseMs) + check <= leaseMs, `detected in time (${leaseMs})`);
    assert.ok(check >= 10 && check <= 1000);
  }
});
