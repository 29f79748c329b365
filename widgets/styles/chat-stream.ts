/** The layout of `<chat-stream>`: the log, the messages, the typing dots, the composer. */
import { css } from "lit";

/** `<chat-stream>`'s own styles, over the theme's custom properties. */
export const chatStreamStyles = css`
  [part~="base"] {
    position: relative;
    display: grid;
    gap: var(--_gap);
  }
  [part~="log"] {
    height: var(--chat-stream-height, 28rem);
    overflow-y: auto;
    padding: 0.25em;
  }
  .messages {
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
  }
  [part~="message"] {
    max-width: 90%;
    padding: 0.5em 0.75em;
    border-radius: var(--_radius);
    background: var(--_surface);
    /* Invisible until forced colours draw it: bubbles would otherwise lose their outline. */
    border: 1px solid transparent;
  }
  [part~="message-user"] {
    align-self: flex-end;
    background: var(--chat-stream-user-bg, color-mix(in srgb, var(--_accent) 14%, var(--_bg)));
  }
  [part~="message-user"] [part~="message-content"] {
    white-space: pre-wrap;
  }
  [part~="message-header"] {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: var(--_gap);
    color: var(--_muted);
    font-size: 0.8125em;
  }
  [part~="typing"] {
    align-self: flex-start;
    padding: 0.5em 0.75em;
    border-radius: var(--_radius);
    background: var(--_surface);
    border: 1px solid transparent;
  }
  .dot {
    display: inline-block;
    width: 0.4em;
    height: 0.4em;
    margin: 0 0.1em;
    border-radius: 50%;
    background: var(--_muted);
    animation: dot-pulse 1.2s infinite ease-in-out;
  }
  .dot:nth-child(3) {
    animation-delay: 0.2s;
  }
  .dot:nth-child(4) {
    animation-delay: 0.4s;
  }
  @keyframes dot-pulse {
    50% {
      opacity: 0.3;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .dot {
      animation: none;
    }
  }
  @media (forced-colors: active) {
    .dot {
      forced-color-adjust: none;
      background: CanvasText;
    }
  }
  [part~="jump-button"] {
    position: absolute;
    inset-inline-end: 1em;
    top: calc(var(--chat-stream-height, 28rem) - 2.5em);
    background: var(--_bg);
  }
  .actions {
    display: flex;
    gap: var(--_gap);
  }
  [part~="composer"] {
    display: flex;
    gap: var(--_gap);
    align-items: flex-end;
  }
  [part~="input"] {
    flex: 1;
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_muted);
    border-radius: var(--_radius);
    padding: 0.5em;
    resize: vertical;
  }
`;
