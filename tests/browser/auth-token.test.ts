/**
 * The elements signed in, against the suite's server with auth on (under `/authed`): `token` as a
 * function read before every request, a stream that outlives its token resumed with a fresh one
 * (text exact and verified), and the observer's view (no Stop, no composer; who is watching).
 */
import "../../widgets/index.ts";
import type { StreamDoneEvent } from "../../widgets/events.ts";
import { panelText } from "../../widgets/state/view-queries.ts";
import { hsToken } from "../support/tokens.ts";
import { assert, assertEqual, settle, shadow, textOf } from "./view-fixture.ts";

const API = "/authed/api";
let host: HTMLElement | undefined;
afterEach(() => host?.remove());

const nowS = () => Math.floor(Date.now() / 1000);
const tokenOf = (sub: string, name: string, expInS = 3600) =>
  hsToken({ sub, name, exp: nowS() + expInS });

/** A JSON request to the auth server as `token`. */
async function call(path: string, token: string, body?: unknown): Promise<Response> {
  return await fetch(`${API}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Mounts a provider around both panels; resolves with it and its `stream-done`. */
function mountProvider(attributes: string) {
  host = document.createElement("div");
  host.innerHTML = `<stream-provider ${attributes}>
      <reasoning-panel></reasoning-panel><chat-stream composer></chat-stream>
    </stream-provider>`;
  const provider = host.querySelector("stream-provider")!;
  const done = new Promise<StreamDoneEvent>((resolve) =>
    provider.addEventListener("stream-done", (e) => resolve(e as StreamDoneEvent), { once: true })
  );
  document.body.append(host);
  return { provider, done, chat: host.querySelector("chat-stream")! };
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("Condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("<stream-provider> signed in", () => {
  it("reads token from a function before every request and streams a verified workflow", async () => {
    const ada = await tokenOf("dr-ada", "Dr Ada");
    let reads = 0;
    const { provider, done } = mountProvider(
      `src="${API}/cases/aki-nsaids/workflow/stages/initial/stream"`,
    );
    provider.token = async () => {
      reads++;
      return await Promise.resolve(ada);
    };
    provider.start();
    const finished = await done;
    assertEqual([finished.finishReason, finished.verified], ["stop", true]);
    assert(reads >= 1, "token read");
    const probe = await (await call(`/runs/${provider.view.runId}`, ada)).json();
    assertEqual(probe.access, "owner");
    assertEqual(panelText(provider.view, "reasoning"), probe.panels.reasoning);
  });

  it("resumes with a fresh token when its stream ends at the token's expiry", async () => {
    const ada = await tokenOf("dr-ada", "Dr Ada");
    await call("/demo/pace", ada, { charsPerSec: 1500 });
    try {
      // Past `exp` but inside the 30 s leeway: the server ends this stream about 1.5 s in.
      const expiring = await tokenOf("dr-ada", "Dr Ada", -28.5);
      const tokens = [expiring, ada];
      let reads = 0;
      const { provider, done } = mountProvider(
        `src="${API}/cases/aki-nsaids/workflow/start/stream"`,
      );
      provider.token = () => tokens[Math.min(reads++, tokens.length - 1)];
      provider.start();
      const finished = await done;
      assertEqual([finished.finishReason, finished.verified], ["stop", true]);
      assert(reads >= 2, `token read again after the expiry (${reads} reads)`);
      const probe = await (await call(`/runs/${provider.view.runId}`, ada)).json();
      assertEqual(panelText(provider.view, "reasoning"), probe.panels.reasoning);
      assertEqual(panelText(provider.view, "chat"), probe.panels.chat);
    } finally {
      await call("/demo/pace", ada, { charsPerSec: 20000 });
    }
  });

  it("shows an observer who is watching, and no Stop, Retry or composer", async () => {
    const ada = await tokenOf("dr-ada", "Dr Ada");
    const bo = await tokenOf("dr-bo", "Dr Bo");
    await call("/demo/pace", ada, { charsPerSec: 100 });
    const owner = new AbortController();
    try {
      const started = await (await call("/chat/messages", ada, { message: "Potassium?" })).json();
      const runId = started.runId as string;
      assertEqual((await call(`/runs/${runId}/observers`, ada, { sub: "dr-bo" })).status, 204);
      // The owner watches too, from another page.
      const ownerStream = await fetch(`${API}/runs/${runId}/stream`, {
        headers: { authorization: `Bearer ${ada}` },
        signal: owner.signal,
      });
      void ownerStream.body!.pipeTo(new WritableStream()).catch(() => {});

      const { provider, chat } = mountProvider('api-base="/authed"');
      provider.token = bo;
      provider.attach(runId);
      await until(() => provider.view.status === "streaming");
      await until(() => textOf(shadow(chat).querySelector('[part~="viewers"]')) !== "");
      await settle(chat);
      assertEqual(
        textOf(shadow(chat).querySelector('[part~="viewers"]')),
        "Watching: Dr Ada, Dr Bo",
      );
      assertEqual(shadow(chat).querySelector('[part~="stop-button"]'), null);
      assertEqual(shadow(chat).querySelector('[part~="composer"]'), null);
      assertEqual(provider.view.access, "observer", "the view carries the caller's access");
      const refused = await call(`/runs/${runId}/cancel`, bo, {});
      assertEqual(refused.status, 403);
      // The owner's own view has Stop.
      host!.remove();
      const mine = mountProvider('api-base="/authed"');
      mine.provider.token = ada;
      mine.provider.attach(runId);
      await until(() => mine.provider.view.status === "streaming");
      await until(() => mine.provider.view.access === "owner");
      await settle(mine.chat);
      assert(shadow(mine.chat).querySelector('[part~="stop-button"]') !== null, "owner has Stop");
      await mine.provider.cancel();
    } finally {
      owner.abort();
      await call("/demo/pace", ada, { charsPerSec: 20000 });
    }
  });
});
