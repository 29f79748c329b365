/** Shared styles: the theming custom properties (light and dark), controls and helpers. */
import { css } from "lit";

/** A host that lays out as a block and paints nothing of its own (the provider). */
export const blockHostStyles = css`
  :host {
    display: block;
  }
`;

/** Hides a live region from sight, not from screen readers. */
export const visuallyHiddenStyles = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

/** Host custom properties, light and dark defaults, buttons, alerts and the visually hidden helper. */
export const themeStyles = css`
  :host {
    --_font: var(--stream-font, system-ui, -apple-system, "Segoe UI", sans-serif);
    --_fg: var(--stream-fg, #1f2328);
    --_bg: var(--stream-bg, #ffffff);
    /* Derived from the text and background, so a host that sets only those two stays legible. */
    --_muted: var(--stream-muted, color-mix(in srgb, var(--_fg) 72%, var(--_bg)));
    --_accent: var(--stream-accent, #0b57d0);
    --_danger: var(--stream-danger, #b3261e);
    --_radius: var(--stream-radius, 8px);
    --_gap: var(--stream-gap, 0.75rem);
    --_surface: var(--stream-surface, color-mix(in srgb, var(--_fg) 6%, var(--_bg)));
    --_caret: var(--stream-caret-color, var(--_accent));
    display: block;
    font-family: var(--_font);
    color: var(--_fg);
    background: var(--_bg);
    line-height: 1.5;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_fg: var(--stream-fg, #e6edf3);
      --_bg: var(--stream-bg, #0d1117);
      --_accent: var(--stream-accent, #8ab4f8);
      --_danger: var(--stream-danger, #ff8a80);
    }
  }
  :host([hidden]) {
    display: none;
  }
  button {
    font: inherit;
    font-size: 0.875em;
    color: var(--_accent);
    background: transparent;
    border: 1px solid currentColor;
    border-radius: calc(var(--_radius) / 2);
    padding: 0.125em 0.625em;
    cursor: pointer;
  }
  button:disabled {
    color: var(--_muted);
    cursor: default;
  }
  button:focus-visible,
  textarea:focus-visible,
  [tabindex]:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  [part~="error"] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
    color: var(--_danger);
    border: 1px solid currentColor;
    border-radius: var(--_radius);
    padding: 0.5em 0.75em;
    margin: var(--_gap) 0 0;
  }
  [part~="error"] button {
    color: var(--_danger);
  }
  [part~="connection"] {
    color: var(--_muted);
    font-size: 0.8125em;
    margin-block: 0.25em;
  }
  [part~="connection"]::before {
    content: "";
    display: inline-block;
    width: 0.5em;
    height: 0.5em;
    margin-inline-end: 0.4em;
    border-radius: 50%;
    background: var(--_danger);
  }
  [part~="connection-resumed"]::before {
    background: var(--_accent);
  }
  /* Forced colours drop backgrounds: cues drawn as backgrounds are redrawn in system colours. */
  @media (forced-colors: active) {
    [part~="connection"]::before {
      forced-color-adjust: none;
      background: CanvasText;
    }
    button:disabled {
      color: GrayText;
    }
  }
  [part~="incomplete"] {
    color: var(--_muted);
    font-size: 0.8125em;
    font-style: italic;
  }
  ${visuallyHiddenStyles}
`;
