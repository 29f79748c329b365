/** The local auth stores: grants, the append-only audit trail, single-use tickets, presence. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openLocalAuth } from "../../server/auth/local-auth.ts";
import { manualClock } from "./harness.ts";

const grant = { runId: "run-aaaaaaaaaaaaaaaa", sub: "ada", roles: [], expiresAt: 2e12 };

Deno.test("grants: the first owner stays, observers are listed in grant order", async () => {
  const auth = openLocalAuth(":memory:", manualClock());
  try {
    await auth.grants.setOwner("conversation", "c1", { sub: "ada", since: 1 });
    await auth.grants.setOwner("conversation", "c1", { sub: "eve", since: 2 });
    await auth.grants.grant("conversation", "c1", { sub: "cy", since: 5 });
    await auth.grants.grant("conversation", "c1", { sub: "bo", since: 3 });
    await auth.grants.grant("conversation", "c1", { sub: "bo", since: 9 });
    assert.deepEqual(await auth.grants.holders("conversation", "c1"), {
      owner: "ada",
      observers: ["bo", "cy"],
    });
    assert.deepEqual(await auth.grants.holders("run", "c1"), { observers: [] });
  } finally {
    auth.close();
  }
});

Deno.test("audit: entries come back filtered and in order; the table refuses changes", async () => {
  const dir = await Deno.makeTempDir();
  const auth = openLocalAuth(`${dir}/a.db`, manualClock());
  try {
    const base = { ip: "10.0.0.1", outcome: "allowed" as const };
    await auth.audit.append({ ...base, ts: 1, sub: "ada", action: "start", runId: "r1" });
    await auth.audit.append({ ...base, ts: 2, sub: "bo", action: "attach", runId: "r1" });
    await auth.audit.append({ ...base, ts: 3, sub: "ada", action: "read", conversationId: "c1" });
    assert.deepEqual((await auth.audit.query({ runId: "r1" }, 10)).map((e) => e.sub), [
      "ada",
      "bo",
    ]);
    assert.deepEqual(await auth.audit.query({ sub: "ada", since: 2 }, 10), [
      { ...base, ts: 3, sub: "ada", action: "read", conversationId: "c1" },
    ]);
    assert.equal((await auth.audit.query({}, 2)).length, 2);
    const db = new DatabaseSync(`${dir}/a.db`);
    assert.throws(() => db.exec("UPDATE audit SET sub = 'x'"), /append-only/);
    assert.throws(() => db.exec("DELETE FROM audit"), /append-only/);
    db.close();
  } finally {
    auth.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tickets: a ticket answers once, and never after its time", async () => {
  const clock = manualClock();
  const auth = openLocalAuth(":memory:", clock);
  try {
    await auth.tickets.put("t1", grant, 60_000);
    assert.deepEqual(await auth.tickets.take("t1"), grant);
    assert.equal(await auth.tickets.take("t1"), undefined);
    await auth.tickets.put("t2", grant, 60_000);
    clock.advance(60_000);
    assert.equal(await auth.tickets.take("t2"), undefined);
  } finally {
    auth.close();
  }
});

Deno.test("presence: one entry per user, the earliest attach, gone when all leave", async () => {
  const auth = openLocalAuth(":memory:", manualClock());
  try {
    const leaveAda1 = auth.presence.enter("r1", { sub: "ada", role: "owner", since: 10 });
    const leaveAda2 = auth.presence.enter("r1", { sub: "ada", role: "owner", since: 5 });
    const leaveBo = auth.presence.enter("r1", {
      sub: "bo",
      name: "Bo",
      role: "observer",
      since: 7,
    });
    assert.deepEqual(await auth.presence.list("r1"), [
      { sub: "ada", role: "owner", since: 5 },
      { sub: "bo", name: "Bo", role: "observer", since: 7 },
    ]);
    leaveAda2();
    leaveBo();
    leaveBo();
    assert.deepEqual(await auth.presence.list("r1"), [{ sub: "ada", role: "owner", since: 10 }]);
    leaveAda1();
    assert.deepEqual(await auth.presence.list("r1"), []);
  } finally {
    auth.close();
  }
});
