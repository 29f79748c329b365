/** The authorization rule: deny by default, owner acts, readers read, strangers see nothing. */
import assert from "node:assert/strict";
import { decide } from "../../server/auth/access.ts";
import { ANONYMOUS, type Caller } from "../../server/auth/identity.ts";

const user = (sub: string, roles: string[] = []): Caller => ({ sub, roles, anonymous: false });
const held = { owner: "ada", observers: ["bo"] };

Deno.test("access: the owner reads and acts", () => {
  assert.deepEqual(decide(user("ada"), held, "read"), { outcome: "allowed", access: "owner" });
  assert.deepEqual(decide(user("ada"), held, "act"), { outcome: "allowed", access: "owner" });
});

Deno.test("access: an observer reads and is forbidden to act", () => {
  assert.deepEqual(decide(user("bo"), held, "read"), { outcome: "allowed", access: "observer" });
  assert.deepEqual(decide(user("bo"), held, "act"), { outcome: "forbidden", access: "observer" });
});

Deno.test("access: an auditor reads anything owned and is forbidden to act", () => {
  const auditor = user("cy", ["auditor"]);
  assert.deepEqual(decide(auditor, held, "read"), { outcome: "allowed", access: "auditor" });
  assert.deepEqual(decide(auditor, held, "act"), { outcome: "forbidden", access: "auditor" });
});

Deno.test("access: a stranger gets hidden for reading and for acting", () => {
  assert.deepEqual(decide(user("eve", ["clinician"]), held, "read"), { outcome: "hidden" });
  assert.deepEqual(decide(user("eve"), held, "act"), { outcome: "hidden" });
});

Deno.test("access: a resource without an owner is hidden from everyone signed in", () => {
  for (const owner of [undefined, ""]) {
    const orphan = { ...(owner === undefined ? {} : { owner }), observers: ["bo"] };
    for (const caller of [user("bo"), user("cy", ["auditor"]), user("")]) {
      assert.deepEqual(decide(caller, orphan, "read"), { outcome: "hidden" });
    }
  }
});

Deno.test("access: without auth the anonymous caller owns everything", () => {
  assert.deepEqual(decide(ANONYMOUS, { observers: [] }, "act"), {
    outcome: "allowed",
    access: "owner",
  });
});
