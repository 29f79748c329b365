/// <reference path="./support/mocha-globals.d.ts" />
// The @web/test-runner example of docs/testing.md, as written there.
import "stream-widgets";
import {
  retryButton,
  scriptedStream,
  waitForDone,
  waitForStatus,
  workflowRun,
} from "stream-widgets/testing";

it("resumes after a cut, offers Retry on an error, then completes", async () => {
  const stream = scriptedStream(workflowRun, { cutAfter: 20, errorAfter: 60 });
  document.body.innerHTML =
    "<stream-provider><reasoning-panel></reasoning-panel></stream-provider>";
  const provider = document.querySelector("stream-provider")!;
  provider.fetch = stream.fetch;
  provider.start(stream.src);
  await waitForStatus(provider, "error");
  (await retryButton(provider)).click();
  const { finishReason, verified } = await waitForDone(provider);
  if (finishReason !== "stop" || !verified) throw new Error(`The run ended ${finishReason}`);
  if (!stream.requests.some((r) => r.cursor === `${workflowRun[0].runId}.20`)) {
    throw new Error("No resume");
  }
});
