import assert from "node:assert/strict";
import {
  conversationKeys,
  entryId,
  leaseCheckMs,
  leaseRenewMs,
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

Deno.test("redis layout reads back a run's metadata hash, and refuses foreign hashes", () => {
  const hash = {
    info: JSON.stringify(INFO),
    status: "running",
    owner: "instance-1",
    lastSeq: "3",
    leaseUntil: "1000",
  };
  assert.deepEqual(parseMeta(hash), {
    info: INFO,
    status: "running",
    owner: "instance-1",
    lastSeq: 3,
  });
  assert.equal(parseMeta({}), undefined);
  assert.equal(parseMeta({ info: "{", status: "running" }), undefined);
  assert.equal(parseMeta({ info: "{}", status: "paused" }), undefined);
});

Deno.test("redis lease timings detect a dead owner within the lease", () => {
  for (const leaseMs of [100, 1500, 10_000, 60_000]) {
    const check = leaseCheckMs(leaseMs);
    const renew = leaseRenewMs(leaseMs);
    // A lease written at t ends at t + leaseMs - check (redis-lua.ts): the next renewal comes
    // before, and sweeps and quiet follows look at most one check after, within the lease.
    assert.ok(renew < leaseMs - check, `renewal keeps the lease alive (${leaseMs})`);
    assert.ok(check >= 10 && check <= 1000);
  }
});
