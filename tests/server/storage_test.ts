/**
 * Storage keeps text exactly (NUL, lone surrogates, every code point) and migrates older
 * databases; a retried message is stored once; the database files are owner-only; RETENTION_DAYS
 * purges what is past its age.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openSqliteAuth } from "../../server/auth/sqlite-auth.ts";
import { openSqliteOutbox } from "../../server/storage/sqlite-outbox.ts";
import { openSqliteStore } from "../../server/storage/sqlite-store.ts";
import { startRetention } from "../../server/storage/retention.ts";
import type { StoredMessage } from "../../server/storage/store.ts";
import { makeApp, manualClock, readEvents, scriptProvider } from "./harness.ts";

const JSON_TYPE = { "content-type": "application/json" };
const HOSTILE = [
  "nul \u0000 byte ZZ",
  "lone high \ud800 and lone low \udfff",
  "astral 𝄞 🫀 e\u0301",
  "\u2028\u2029\r\n\t\\\"'",
  "\u0000",
];

function message(id: string, content: string, createdAt = 1): StoredMessage {
  return {
    id,
    role: "user",
    content,
    reasoning: content,
    status: "complete",
    runId: "r",
    createdAt,
  };
}

Deno.test("storage: message text round-trips exactly, NUL and lone surrogates included", () => {
  const store = openSqliteStore(":memory:");
  try {
    store.createConversation({ id: "c1", createdAt: 1 });
    HOSTILE.forEach((text, i) => store.addMessage("c1", message(`m${i}`, text)));
    const stored = store.getConversation("c1")!.messages;
    assert.deepEqual(stored.map((m) => m.content), HOSTILE);
    assert.deepEqual(stored.map((m) => m.reasoning), HOSTILE);
  } finally {
    store.close();
  }
});

Deno.test("storage: a chat message with a NUL comes back exactly through the API", async () => {
  const h = makeApp();
  try {
    const text = "nul \u0000 byte ZZ \ud800";
    const response = await h.app.request("/api/chat/messages", {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ message: text }),
    });
    const { runId, conversationId } = await response.json();
    await readEvents(await h.app.request(`/api/runs/${runId}/stream`));
    const conversation = await (await h.app.request(`/api/conversations/${conversationId}`))
      .json();
    assert.equal(conversation.messages[0].content, text);
  } finally {
    h.close();
  }
});

Deno.test("storage: a database of the previous schema keeps its messages", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/old.db`;
  try {
    const old = new DatabaseSync(path);
    old.exec(
      `CREATE TABLE conversations (id TEXT PRIMARY KEY, case_id TEXT, created_at REAL NOT NULL);
      CREATE TABLE messages (position INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL REFERENCES conversations(id),
        role TEXT NOT NULL, content TEXT NOT NULL, reasoning TEXT NOT NULL, status TEXT NOT NULL,
        run_id TEXT NOT NULL, created_at REAL NOT NULL);
      INSERT INTO conversations VALUES ('c1', NULL, 1);
      INSERT INTO messages (id, conversation_id, role, content, reasoning, status, run_id, created_at)
        VALUES ('m1', 'c1', 'user', '"quoted" text', '', 'complete', 'r', 1);`,
    );
    old.close();
    for (let open = 0; open < 2; open++) {
      const store = openSqliteStore(path);
      assert.deepEqual(
        store.getConversation("c1")!.messages.map((m) => [m.content, m.reasoning]),
        [['"quoted" text', ""]],
      );
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storage: the database and its WAL are created owner-only", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/stream-widgets.db`;
  try {
    const store = openSqliteStore(path);
    store.createConversation({ id: "c1", createdAt: 1 });
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600, file);
    }
    store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storage: whichever part opens the database first creates it owner-only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // With Redis, the webhook outbox and the auth tables open the file without the store.
    for (
      const [name, open] of [
        ["outbox", (path: string) => openSqliteOutbox(path)],
        ["auth", (path: string) => openSqliteAuth(path)],
      ] as const
    ) {
      const path = `${dir}/${name}.db`;
      const opened = open(path);
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600, name);
      opened.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storage: a retried message (same text, no complete reply) is stored once", async () => {
  const provider = scriptProvider([
    { deltas: [{ channel: "answer", text: "Partial ans" }], error: new Error("boom") },
    { deltas: [{ channel: "answer", text: "Full answer." }] },
  ]);
  const histories: unknown[] = [];
  const stream = provider.stream.bind(provider);
  provider.stream = (request) => {
    histories.push(structuredClone(request.history));
    return stream(request);
  };
  const h = makeApp({ provider });
  const send = async (body: Record<string, string>) => {
    const response = await h.app.request("/api/chat/stream", {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify(body),
    });
    return await readEvents(response);
  };
  try {
    const first = await send({ message: "Is potassium high?" });
    const conversationId = (first[0].metadata as { conversation_id: string }).conversation_id;
    await h.app.context.registry.get(first[0].runId)!.done;
    await send({ message: "Is potassium high?", conversationId });
    const { messages } = await (await h.app.request(`/api/conversations/${conversationId}`))
      .json();
    assert.deepEqual(
      messages.map((m: StoredMessage) => [m.role, m.content, m.status]),
      [
        ["user", "Is potassium high?", "complete"],
        ["assistant", "Partial ans", "error"],
        ["assistant", "Full answer.", "complete"],
      ],
    );
    // The retry does not send the failed partial reply, nor the question twice, to the model.
    assert.deepEqual(histories[1], [{ role: "user", content: "Is potassium high?" }]);
  } finally {
    h.close();
  }
});

Deno.test("storage: RETENTION_DAYS purges finished runs and idle conversations past their age", () => {
  const day = 24 * 60 * 60 * 1000;
  const clock = manualClock(100 * day);
  const store = openSqliteStore(":memory:");
  const logs: string[] = [];
  try {
    const info = (id: string, createdAt: number) => ({
      id,
      kind: "chat" as const,
      plan: [],
      createdAt,
    });
    store.saveRun(info("old-run", 60 * day), "[]");
    store.saveRun(info("new-run", 95 * day), "[]");
    store.createConversation({ id: "idle", createdAt: 60 * day });
    store.addMessage("idle", message("m1", "old", 60 * day));
    // Created long ago, but in use: its latest message is recent.
    store.createConversation({ id: "active", createdAt: 60 * day });
    store.addMessage("active", message("m2", "recent", 99 * day));
    const stop = startRetention(store, { days: 30, clock, log: (event) => logs.push(event) });
    assert.equal(store.loadRun("old-run"), undefined);
    assert.ok(store.loadRun("new-run"));
    assert.equal(store.getConversation("idle"), undefined);
    assert.ok(store.getConversation("active"));
    assert.deepEqual(logs, ["retention_purged"]);
    // An hour later it runs again: by then the newer run is past its age too.
    clock.advance(26 * day);
    assert.equal(store.loadRun("new-run"), undefined);
    stop();
  } finally {
    store.close();
  }
});
