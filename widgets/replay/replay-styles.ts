/** Styles of `<run-replay>`: the controls row, the scrubber and the audit view beside the panels. */
import { css } from "lit";

/** The replay's own layout; colours come from the shared theme properties. */
export const replayStyles = css`
  [part="controls"] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
    margin-block-end: var(--_gap);
  }
  [part="scrubber"] {
    flex: 1 1 12rem;
    padding-block: 0.5rem;
    cursor: pointer;
    touch-action: none;
    border-radius: var(--_radius);
  }
  [part="scrubber"]:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  [part="track"] {
    position: relative;
    height: 0.375rem;
    border-radius: 999px;
    background: var(--stream-replay-track, var(--_surface));
  }
  [part="progress"] {
    position: absolute;
    inset-block: 0;
    inset-inline-start: 0;
    border-radius: 999px;
    background: var(--_accent);
  }
  [part="marker"] {
    position: absolute;
    top: -0.3rem;
    width: 2px;
    height: 1rem;
    background: var(--_fg);
  }
  [part="time"] {
    font-variant-numeric: tabular-nums;
    color: var(--_muted);
  }
  .body {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_gap);
  }
  .body.with-audit {
    grid-template-columns: minmax(0, 1fr) minmax(12rem, 18rem);
  }
  [part="audit"] ol {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part="audit"] h2 {
    margin: 0 0 0.5rem;
    font-size: 1em;
  }
  [part="audit-entry"] button {
    text-align: start;
    width: 100%;
  }
  [part="audit-entry"].later {
    opacity: 0.55;
  }
  [part="notice"] {
    color: var(--_muted);
  }
`;
