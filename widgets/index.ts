/**
 * The widget bundle: defines `<stream-provider>`, `<reasoning-panel>` and `<chat-stream>` (each
 * module defines its element once, so loading the bundle twice never throws) and exports their
 * classes and public types.
 */
export { StreamProvider } from "./stream-provider.ts";
export type { TransportName } from "./stream-provider-attributes.ts";
export { ReasoningPanel } from "./reasoning-panel.ts";
export { ChatStream } from "./chat-stream.ts";
export { RunReplay } from "./replay/run-replay.ts";
export { defaultReplayStrings, type ReplayStrings } from "./replay/replay-strings.ts";
export {
  type StreamDoneDetail,
  StreamDoneEvent,
  type StreamErrorDetail,
  StreamErrorEvent,
  type StreamEventDetail,
  StreamEventEvent,
  type StreamStatusDetail,
  StreamStatusEvent,
} from "./events.ts";
export { streamContext, type StreamContextValue } from "./context.ts";
export { defaultStrings, type StreamStrings } from "./strings.ts";
export type {
  ChatMessage,
  Section,
  SectionStatus,
  StreamStatus,
  ViewError,
  ViewState,
} from "./state/view-state.ts";
export type { ErrorCode, FinishReason, Panel, PlanEntry, StreamEvent } from "../protocol/events.ts";
