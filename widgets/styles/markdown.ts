/** Styles of rendered markdown and of the typing caret. */
import { css } from "lit";

/** Rendered markdown, compact; the caret blinks after the open tail unless motion is reduced. */
export const markdownStyles = css`
  .markdown {
    overflow-wrap: anywhere;
  }
  .markdown :is(.group, .tail):first-child > :first-child {
    margin-top: 0;
  }
  /* Off-screen finished blocks of a long answer cost no layout or paint: at 1 MB a frame took ~65 ms without. */
  .markdown .group {
    content-visibility: auto;
    contain-intrinsic-block-size: auto 40em;
  }
  .markdown :is(p, ul, ol, pre, table, blockquote, h1, h2, h3, h4, h5, h6) {
    margin: 0.5em 0;
  }
  .markdown :is(h1, h2, h3, h4, h5, h6) {
    line-height: 1.25;
  }
  .markdown h1 {
    font-size: 1.3em;
  }
  .markdown h2 {
    font-size: 1.2em;
  }
  .markdown h3 {
    font-size: 1.1em;
  }
  .markdown :is(h4, h5, h6) {
    font-size: 1em;
  }
  .markdown :is(ul, ol) {
    padding-inline-start: 1.5em;
  }
  .markdown :is(code, pre) {
    font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
    font-size: 0.875em;
    background: var(--_surface);
    border-radius: calc(var(--_radius) / 2);
  }
  .markdown code {
    padding: 0.1em 0.3em;
  }
  .markdown pre {
    padding: 0.5em 0.75em;
    white-space: pre-wrap;
  }
  .markdown pre code {
    padding: 0;
    font-size: 1em;
  }
  .markdown blockquote {
    margin-inline: 0;
    padding-inline-start: 0.75em;
    border-inline-start: 3px solid var(--_muted);
    color: var(--_muted);
  }
  /* A wide table scrolls sideways instead of overflowing; its cells break between words only. */
  .markdown table {
    display: block;
    max-width: 100%;
    overflow-x: auto;
    border-collapse: collapse;
  }
  .markdown :is(th, td) {
    overflow-wrap: break-word;
    border: 1px solid color-mix(in srgb, var(--_muted) 50%, transparent);
    padding: 0.25em 0.5em;
    text-align: start;
  }
  .markdown [data-align="center"] {
    text-align: center;
  }
  .markdown [data-align="right"] {
    text-align: end;
  }
  .markdown a {
    color: var(--_accent);
  }
  .markdown hr {
    border: 0;
    border-top: 1px solid var(--_muted);
  }
  .markdown .raw {
    white-space: pre-wrap;
  }
  .streaming .tail > :last-child:not(ul, ol, table, blockquote)::after,
  .streaming .tail > :is(ul, ol):last-child > li:last-child::after {
    content: "";
    display: inline-block;
    width: 0.5em;
    height: 1em;
    margin-inline-start: 0.125em;
    vertical-align: text-bottom;
    background: var(--_caret);
    animation: var(--_caret-blink, caret-blink 1s steps(1) infinite);
  }
  @media (forced-colors: active) {
    .streaming .tail > :last-child:not(ul, ol, table, blockquote)::after,
    .streaming .tail > :is(ul, ol):last-child > li:last-child::after {
      forced-color-adjust: none;
      background: Highlight;
    }
    .markdown :is(th, td) {
      border-color: CanvasText;
    }
  }
  @keyframes caret-blink {
    50% {
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    :host {
      --_caret-blink: none;
    }
  }
`;
