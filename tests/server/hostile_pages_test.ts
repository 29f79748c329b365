/**
 * Hostile pages: a page on another site may not start, cancel or message runs (Origin and
 * Sec-Fetch-Site, CORS_ORIGINS the only exceptions; every POST is JSON), a rebound DNS name is not
 * served, demo controls exist only when turned on, and every response carries the security headers.
 */
import assert from "node:assert/strict";
import { gatedProvider, makeApp, readEvents, serve, startChatRun } from "./harness.ts";

const JSON_TYPE = { "content-type": "application/json" };
const FOREIGN = "https://attacker.example";
const PORTAL = "https://portal.example";

async function assertRefused(response: Response, status: number, code: string): Promise<void> {
  assert.equal(response.status, status);
  assert.equal((await response.json()).error.code, code);
}

Deno.test("cross-site: a foreign page cannot start a chat, a workflow stream or a batch run", async () => {
  const h = makeApp({ config: { corsOrigins: [PORTAL] } });
  try {
    const chat = await h.app.request("/api/chat/messages", {
      method: "POST",
      headers: { ...JSON_TYPE, origin: FOREIGN, "sec-fetch-site": "cross-site" },
      body: JSON.stringify({ message: "hi" }),
    });
    await assertRefused(chat, 403, "forbidden");
    // An <img> or no-cors fetch sends no Origin on a GET, but the browser names the site.
    const stream = await h.app.request("/api/cases/aki-nsaids/workflow/start/stream", {
      headers: { "sec-fetch-site": "cross-site" },
    });
    await assertRefused(stream, 403, "forbidden");
    // An HTML form: urlencoded, empty body.
    const form = await h.app.request("/api/cases/aki-nsaids/workflow/run", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: FOREIGN },
      body: "",
    });
    await assertRefused(form, 403, "forbidden");
    // A sibling subdomain is another origin.
    const sameSite = await h.app.request("/api/cases/aki-nsaids/workflow/stages/plan/stream", {
      headers: { "sec-fetch-site": "same-site", origin: "https://sub.portal.example" },
    });
    await assertRefused(sameSite, 403, "forbidden");
    assert.equal(h.app.context.registry.running, 0);
  } finally {
    h.close();
  }
});

Deno.test("cross-site: a foreign or text/plain cancel is refused and the run keeps going", async () => {
  const gate = gatedProvider();
  const h = makeApp({ provider: gate.provider });
  try {
    const { runId } = await startChatRun(h.app);
    const cancel = (headers: Record<string, string>) =>
      h.app.request(`/api/runs/${runId}/cancel`, { method: "POST", headers, body: "{}" });
    await assertRefused(await cancel({ ...JSON_TYPE, origin: FOREIGN }), 403, "forbidden");
    await assertRefused(await cancel({ "content-type": "text/plain" }), 415, "invalid_request");
    await assertRefused(await cancel({}), 415, "invalid_request");
    assert.equal(h.app.context.registry.get(runId)!.status, "running");
    const unknownField = await h.app.request(`/api/runs/${runId}/cancel`, {
      method: "POST",
      headers: JSON_TYPE,
      body: '{"force":true}',
    });
    await assertRefused(unknownField, 400, "invalid_request");
    assert.equal((await (await cancel(JSON_TYPE)).json()).status, "cancelled");
  } finally {
    h.close();
  }
});

Deno.test("cross-site: own pages, CORS_ORIGINS pages and non-browser clients pass", async () => {
  const h = makeApp({ config: { corsOrigins: [PORTAL] } });
  try {
    const start = (headers: Record<string, string>) =>
      h.app.request("/api/chat/messages", {
        method: "POST",
        headers: { ...JSON_TYPE, ...headers },
        body: JSON.stringify({ message: "hi" }),
      });
    for (
      const headers of <Record<string, string>[]> [
        { "sec-fetch-site": "same-origin", origin: "http://localhost" },
        // A browser without Sec-Fetch-Site: the Origin is this host.
        { origin: "http://localhost" },
        { "sec-fetch-site": "cross-site", origin: PORTAL },
        {},
      ]
    ) {
      const response = await start(headers);
      assert.equal(response.status, 201, JSON.stringify(headers));
      await response.body?.cancel();
    }
    const own = await h.app.request("/api/cases/aki-nsaids/workflow/start/stream", {
      headers: { "sec-fetch-site": "same-origin" },
    });
    assert.equal((await readEvents(own)).at(-1)?.type, "stream_done");
    // Reading is not starting: a foreign page's GET of a case is answered (CORS keeps it unread).
    const read = await h.app.request("/api/cases/aki-nsaids", {
      headers: { "sec-fetch-site": "cross-site" },
    });
    assert.equal(read.status, 200);
  } finally {
    h.close();
  }
});

Deno.test("allowed hosts: a rebound DNS name is refused over a real socket, loopback names served", async () => {
  const h = makeApp();
  const server = await serve(h.app);
  try {
    const { port } = new URL(server.origin);
    const ask = async (host: string) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
      try {
        await conn.write(
          new TextEncoder().encode(
            `GET /api/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
          ),
        );
        let text = "";
        const buffer = new Uint8Array(8192);
        for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
          text += new TextDecoder().decode(buffer.subarray(0, n));
        }
        return text;
      } finally {
        conn.close();
      }
    };
    const rebound = await ask(`attacker.example:${port}`);
    assert.match(rebound, /^HTTP\/1\.1 403/);
    assert.match(rebound, /"code":"forbidden"/);
    assert.match(await ask(`localhost:${port}`), /^HTTP\/1\.1 200/);
    assert.match(await ask(`127.0.0.1:${port}`), /^HTTP\/1\.1 200/);
    assert.match(await ask(`[::1]:${port}`), /^HTTP\/1\.1 200/);
  } finally {
    await server.close();
    h.close();
  }
});

Deno.test("allowed hosts: ALLOWED_HOSTS replaces the defaults", async () => {
  const h = makeApp({ config: { allowedHosts: ["portal.example"] } });
  try {
    assert.equal((await h.app.request("http://portal.example/api/health")).status, 200);
    await assertRefused(await h.app.request("http://localhost/api/health"), 403, "forbidden");
  } finally {
    h.close();
  }
});

Deno.test("demo controls: absent unless turned on", async () => {
  const h = makeApp();
  try {
    const response = await h.app.request("/api/demo/streaming", {
      method: "POST",
      headers: JSON_TYPE,
      body: '{"enabled":false}',
    });
    assert.equal(response.status, 404);
    await response.body?.cancel();
    assert.equal((await (await h.app.request("/api/health")).json()).streaming, true);
  } finally {
    h.close();
  }
});

Deno.test("security headers: page, API, stream and error responses; no-store on patient text", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/demo`);
  await Deno.writeTextFile(`${root}/demo/index.html`, "<h1>demo</h1>");
  const h = makeApp({ root });
  try {
    const page = await h.app.request("/");
    await page.body?.cancel();
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const { runId, conversationId } = await startChatRun(h.app);
    const stream = await h.app.request(`/api/runs/${runId}/stream`);
    await readEvents(stream);
    const answers = {
      page,
      stream,
      run: await h.app.request(`/api/runs/${runId}`),
      conversation: await h.app.request(`/api/conversations/${conversationId}`),
      error: await h.app.request("/api/runs/AAAAAAAAAAAAAAAAAAAAAA"),
      missing: await h.app.request("/nowhere"),
    };
    for (const [name, response] of Object.entries(answers)) {
      if (!response.bodyUsed) await response.body?.cancel();
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", name);
      assert.equal(response.headers.get("referrer-policy"), "no-referrer", name);
      assert.equal(response.headers.get("x-frame-options"), "DENY", name);
      assert.match(response.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
    }
    assert.equal(
      answers.run.headers.get("content-security-policy"),
      "default-src 'none'; frame-ancestors 'none'",
    );
    assert.equal(answers.run.headers.get("cache-control"), "no-store");
    assert.equal(answers.conversation.headers.get("cache-control"), "no-store");
    assert.equal(answers.error.headers.get("cache-control"), "no-store");
    assert.equal(answers.stream.headers.get("cache-control"), "no-store, no-transform");
  } finally {
    h.close();
    await Deno.remove(root, { recursive: true });
  }
});
