/** The context `<stream-provider>` shares with its descendants: the view and the actions on it. */
import { createContext } from "@lit/context";
import type { Viewer } from "../protocol/access.ts";
import type { ViewState } from "./state/view-state.ts";

/** A new object on every change, so consumers re-render on identity. */
export interface StreamContextValue {
  view: ViewState;
  /** Who is watching the run now (with auth on). */
  viewers: readonly Viewer[];
  /** Chat: posts the message, then attaches to the reply's run; failures show in the view. */
  send(message: string): void;
  /** Cancels the current run on the server. */
  cancel(): Promise<void>;
  /** Starts the failed or cancelled work again. */
  retry(): void;
}

/** Context key for the nearest `<stream-provider>`. */
export const streamContext = createContext<StreamContextValue>(Symbol("stream-widgets/stream"));
