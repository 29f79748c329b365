/**
 * React components for the three elements, made with `@lit/react`: attributes and properties as
 * props, the `stream-*` events as `onStream…` props. A separate entry (`stream-widgets/react`) so
 * the element bundle never carries React; it imports the elements from the main entry, so a page
 * that also loads the bundle defines them once. Also declares the tags as JSX intrinsic elements
 * for React 19, which sets properties and listens to `on<event-name>` props on custom elements.
 */
import * as React from "react";
import { createComponent, type EventName } from "@lit/react";
import {
  ChatStream as ChatStreamElement,
  ReasoningPanel as ReasoningPanelElement,
  type StreamDoneEvent,
  type StreamErrorEvent,
  type StreamEventEvent,
  StreamProvider as StreamProviderElement,
  type StreamStatusEvent,
  type StreamStrings,
  type TransportName,
} from "./index.ts";

const providerEvents = {
  onStreamStatus: "stream-status" as EventName<StreamStatusEvent>,
  onStreamEvent: "stream-event" as EventName<StreamEventEvent>,
  onStreamDone: "stream-done" as EventName<StreamDoneEvent>,
  onStreamError: "stream-error" as EventName<StreamErrorEvent>,
};

/** `<stream-provider>` as a React component; `onStreamDone` and the like receive the events. */
export const StreamProvider = createComponent({
  react: React,
  tagName: "stream-provider",
  elementClass: StreamProviderElement,
  events: providerEvents,
  displayName: "StreamProvider",
});

/** `<reasoning-panel>` as a React component. */
export const ReasoningPanel = createComponent({
  react: React,
  tagName: "reasoning-panel",
  elementClass: ReasoningPanelElement,
  displayName: "ReasoningPanel",
});

/** `<chat-stream>` as a React component. */
export const ChatStream = createComponent({
  react: React,
  tagName: "chat-stream",
  elementClass: ChatStreamElement,
  displayName: "ChatStream",
});

/** What every tag accepts in JSX: React's HTML attributes, a ref and `strings`. */
type ElementJsxProps<E extends HTMLElement> =
  & React.DetailedHTMLProps<React.HTMLAttributes<E>, E>
  & {
    strings?: Partial<StreamStrings>;
  };

/** `<stream-provider>` in JSX: its attributes, its `headers` property and its events. */
export type StreamProviderJsxProps = ElementJsxProps<StreamProviderElement> & {
  src?: string;
  autostart?: boolean;
  transport?: TransportName;
  "max-retries"?: number;
  "retry-base-ms"?: number;
  "retry-max-ms"?: number;
  "stall-ms"?: number;
  "resume-key"?: string;
  "api-base"?: string;
  headers?: Record<string, string>;
  "onstream-status"?: (event: StreamStatusEvent) => void;
  "onstream-event"?: (event: StreamEventEvent) => void;
  "onstream-done"?: (event: StreamDoneEvent) => void;
  "onstream-error"?: (event: StreamErrorEvent) => void;
};

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "stream-provider": StreamProviderJsxProps;
      "reasoning-panel": ElementJsxProps<ReasoningPanelElement> & { stage?: string };
      "chat-stream": ElementJsxProps<ChatStreamElement> & { composer?: boolean };
    }
  }
}
