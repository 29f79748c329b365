/// <reference path="./support/mocha-globals.d.ts" />
/**
 * A server restart under the elements, for real: the suite's Deno server (in-memory store) is
 * stopped with SIGTERM or killed with SIGKILL mid-answer and started again. The clinician reads
 * why the answer stopped, and Retry leads to an answer.
 */
import { executeServerCommand } from "@web/test-runner-commands";
import "../../widgets/index.ts";
import type { StreamProvider } from "../../widgets/stream-provider.ts";
import type { StreamDoneEvent } from "../../widgets/events.ts";
import { resetServer, setPace } from "./support/api.ts";
import { assert, assertEqual } from "./support/assert.ts";
import { mount, nextEvent, unmountAll, waitFor } from "./support/dom.ts";
import { textOf } from "./view-fixture.ts";

afterEach(async () => {
  unmountAll();
  await resetServer();
});

function page(): StreamProvider {
  return mount<StreamProvider>(
    `<stream-provider src="/api/cases/chest-pain-acs/workflow/start/stream" retry-base-ms="100"
        retry-max-ms="300" max-retries="100">
      <reasoning-panel></reasoning-panel><chat-stream composer></chat-stream>
    </stream-provider>`,
  );
}

/** Every part `name` in both elements. */
function parts(provider: StreamProvider, name: string): HTMLElement[] {
  return ["reasoning-panel", "chat-stream"].flatMap((tag) => [
    ...provider.querySelector(tag)!.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`),
  ]);
}

/** Resolves once `provider` has applied a chunk of text. */
function firstChunk(provider: StreamProvider): Promise<void> {
  return new Promise((resolve) =>
    provider.addEventListener("stream-event", (e) => e.event.type === "content_chunk" && resolve())
  );
}

/** Waits for the one error shown, and returns its text. */
async function shownError(provider: StreamProvider): Promise<string> {
  await waitFor(() => parts(provider, "error").length === 1, { what: "the error shown" });
  assertEqual(parts(provider, "retry-button").length, 1, "Retry buttons");
  return textOf(parts(provider, "error")[0].querySelector("span"));
}

describe("a server restart mid-answer", () => {
  it("says the server shut down after SIGTERM, and Retry runs the work again", async () => {
    await setPace(400);
    const provider = page();
    const chunk = firstChunk(provider);
    provider.start();
    await chunk;
    const failed = nextEvent(provider, "stream-error", 20_000);
    await executeServerCommand("restart-server", { signal: "SIGTERM" });
    await failed;
    assertEqual(
      await shownError(provider),
      "The server shut down before the answer was complete; please retry",
      "the reason",
    );
    const done = nextEvent<StreamDoneEvent>(provider, "stream-done", 20_000);
    parts(provider, "retry-button")[0].click();
    assertEqual((await done).finishReason, "stop", "the retried run");
  });

  it("shows reconnecting after SIGKILL, says the answer was lost, and Retry answers", async () => {
    const provider = page();
    const first = nextEvent<StreamDoneEvent>(provider, "stream-done");
    provider.send("What does the troponin rise mean?");
    await first;
    await setPace(400);
    const chunk = firstChunk(provider);
    provider.send("And the ECG?");
    await chunk;
    const failed = nextEvent(provider, "stream-error", 30_000);
    const restarted = executeServerCommand("restart-server", { signal: "SIGKILL" });
    await waitFor(() => parts(provider, "connection").length > 0, { what: "a visible reconnect" });
    assert(
      textOf(parts(provider, "connection")[0]).startsWith("Connection lost"),
      "it says the connection was lost",
    );
    await restarted;
    await failed;
    assertEqual(
      await shownError(provider),
      "The server no longer has this answer, as after a restart; Retry asks for it again",
      "the reason",
    );
    // The in-memory store lost the conversation too: the question goes on in a new one.
    const retried = nextEvent<StreamDoneEvent>(provider, "stream-done", 20_000);
    parts(provider, "retry-button")[0].click();
    assertEqual((await retried).finishReason, "stop", "the retried reply");
    const later = nextEvent<StreamDoneEvent>(provider, "stream-done", 20_000);
    provider.send("Anything else?");
    assertEqual((await later).finishReason, "stop", "a later question");
    assertEqual(parts(provider, "error").length, 0, "no error left");
  });
});
