/**
 * `stream-widgets/testing`: drive the elements in a test with no server. A scripted stream plays a
 * recorded run (or any list of protocol events) through a `fetch` given to `<stream-provider>` —
 * or through a Playwright route — with the faults a test wants; helpers wait for the provider and
 * read what the panels rendered. See docs/testing.md.
 */
export {
  type ScriptedOptions,
  type ScriptedRequest,
  ScriptedStream,
  scriptedStream,
} from "./scripted-stream.ts";
export type { PlaywrightRoute } from "./playwright-route.ts";
export type { Pace, PlayedRun } from "./played-run.ts";
export { panelsOf, type RunLog } from "./run-log.ts";
export {
  type ProviderLike,
  renderedText,
  retryButton,
  waitForDone,
  waitForStage,
  waitForStatus,
  waitForView,
  type WaitOptions,
} from "./wait.ts";
export { type RecordOptions, recordRun } from "./record.ts";
export { chatRun, failedRun, workflowRun } from "./fixtures.ts";
