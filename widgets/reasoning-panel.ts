import { css, html, nothing, type TemplateResult } from "lit";
import { property } from "lit/decorators.js";
import { defineOnce } from "./define-once.ts";
import type { Section, SectionStatus, StreamStatus, ViewState } from "./state/view-state.ts";
import { StreamPanel } from "./stream-panel.ts";
import type { StreamStrings } from "./strings.ts";
import { markdownStyles } from "./styles/markdown.ts";
import { themeStyles } from "./styles/theme.ts";

/**
 * @summary The reasoning panel of the nearest `<stream-provider>`: one section per stage, each
 * streamed as it is written, with progress, Copy, and the error with Retry when the run fails.
 *
 * @fires - None of its own: Copy, Retry and Esc (stop) act through the nearest `<stream-provider>`,
 * which fires the `stream-*` events.
 *
 * @slot empty - Shown before any stage has started (default: "Nothing yet").
 *
 * @csspart base - The panel.
 * @csspart section - One stage.
 * @csspart header - A stage's title row.
 * @csspart title - A stage's title.
 * @csspart progress - A stage's position, e.g. "2 of 4".
 * @csspart status - A stage's status.
 * @csspart copy-button - A stage's Copy button.
 * @csspart read-aloud-button - A finished stage's Read aloud button (Stop reading while it reads; also `reading`).
 * @csspart content - A stage's rendered markdown.
 * @csspart incomplete - The mark on a stage cut short by a cancel or an error.
 * @csspart error - The run's error with Retry, when the run failed writing its analysis
 *   (announced once, by the provider's alert).
 * @csspart connection - The connection's state beside the text being written: also
 *   `connection-reconnecting`, `connection-offline` or `connection-resumed`.
 * @csspart retry-button - The error's Retry button.
 * @csspart empty - The wrapper of the `empty` slot.
 *
 * @cssprop --stream-font - Font family.
 * @cssprop --stream-fg - Text colour.
 * @cssprop --stream-bg - Background colour.
 * @cssprop --stream-muted - Secondary text colour (status, progress, incomplete mark).
 * @cssprop --stream-accent - Buttons, links and the typing caret.
 * @cssprop --stream-danger - Errors.
 * @cssprop --stream-radius - Corner radius.
 * @cssprop --stream-gap - Space between sections and controls.
 * @cssprop --stream-surface - Background of code and of sections.
 * @cssprop --stream-caret-color - The typing caret (default: the accent).
 * @cssprop --reasoning-panel-section-border - Border of each section.
 */
export class ReasoningPanel extends StreamPanel {
  static override styles = [
    themeStyles,
    markdownStyles,
    css`
      [part~="base"] {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: var(--_gap);
      }
      [part~="section"] {
        border: var(--reasoning-panel-section-border, 1px solid var(--_surface));
        border-radius: var(--_radius);
        padding: var(--_gap);
      }
      [part~="header"] {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.25em var(--_gap);
        margin-bottom: 0.5em;
      }
      [part~="title"] {
        margin: 0;
        font-size: 1em;
        flex: 1 1 auto;
      }
      [part~="progress"],
      [part~="status"] {
        color: var(--_muted);
        font-size: 0.875em;
      }
      [part~="empty"] {
        color: var(--_muted);
      }
    `,
  ];

  /** Shows only this stage when set. */
  @property()
  accessor stage = "";

  readonly panel = "reasoning";

  override showsStage(stage: string): boolean {
    return !this.stage || stage === this.stage;
  }

  protected override focusFallback(): HTMLElement | null | undefined {
    return this.renderRoot.querySelector<HTMLElement>("[part~='base']");
  }

  protected override render(): TemplateResult {
    const strings = this.text;
    const view = this.context?.view;
    const sections = view
      ? shownSections(view).filter(({ section }) => this.showsStage(section.stage))
      : [];
    this.keepMarkdown(new Set(sections.map(({ runId, section }) => `${runId}/${section.stage}`)));
    // The panel is the one landmark (unnamed sections are not), and one-stage panels on a page
    // take their stage's title, so landmark names stay unique.
    const label = this.stage && sections[0] ? sections[0].section.title : strings.reasoning;
    return html`
      <div part="base" role="region" tabindex="-1" aria-label=${label} aria-busy=${this.busy
        ? "true"
        : "false"}>
        ${sections.length === 0
          ? html`<div part="empty"><slot name="empty">${strings.nothingYet}</slot></div>`
          : sections.map((shown) => this.#renderSection(shown, view!, strings))}
        ${sections.some(({ section }) => section.status === "streaming")
          ? nothing
          : this.connectionNotice.render(strings)}
        ${this.renderError()}
      </div>
      ${this.renderLiveRegion()}
    `;
  }

  #renderSection(
    { runId, section }: ShownSection,
    view: ViewState,
    strings: StreamStrings,
  ): TemplateResult {
    const current = runId === (view.runId ?? "");
    const status = current ? displayedStatus(section, view.status) : section.status;
    const streaming = status === "streaming";
    const incomplete = (status === "error" || status === "cancelled") && section.text !== "";
    const markdown = this.markdownFor(`${runId}/${section.stage}`);
    const title = section.title || strings.reasoning;
    return html`
      <section part="section" class=${status}>
        <div part="header">
          <h3 part="title" dir="auto">${title}</h3>
          <span part="progress">${strings.progress(
            section.stageIndex + 1,
            section.stageCount,
          )}</span>
          <span part="status">${statusLabel(status, current ? view.status : "done", strings)}</span>
          ${section.text
            ? html`
              <button part="copy-button" aria-label=${strings.copyLabel(title)}
                @click=${() => this.copy(section.text, { incomplete })}
              >${strings.copy}</button>
            `
            : nothing}
          ${section.text && !streaming
            ? this.readAloud.render(`${runId}/${section.stage}`, section.text, {
              label: title,
              strings,
            })
            : nothing}
        </div>
        ${section.text || streaming
          ? html`<div part="content" class=${streaming ? "markdown streaming" : "markdown"}>${
            markdown.render(section.text, streaming, section.tail)
          }</div>`
          : nothing}
        ${incomplete ? html`<div part="incomplete">${strings.incomplete}</div>` : nothing}
        ${streaming ? this.connectionNotice.render(strings) : nothing}
      </section>
    `;
  }
}

/** A section and the run it is of; renderers are per run and stage. */
interface ShownSection {
  runId: string;
  section: Section;
}

/** The earlier runs' reasoning the conversation keeps in view, then the current run's. */
function shownSections(view: ViewState): ShownSection[] {
  return [
    ...view.earlier.flatMap(({ runId, sections }) =>
      sections.map((section) => ({ runId, section }))
    ),
    ...view.sections.reasoning.map((section) => ({ runId: view.runId ?? "", section })),
  ];
}

/** A section still writing when its run failed or was stopped shows how the run ended. */
function displayedStatus(section: Section, run: StreamStatus): SectionStatus {
  if (section.status === "streaming" && (run === "error" || run === "cancelled")) return run;
  return section.status;
}

/** A stage that never started is "waiting" only while its run may still reach it. */
function statusLabel(status: SectionStatus, run: StreamStatus, strings: StreamStrings): string {
  const over = run === "done" || run === "error" || run === "cancelled";
  return status === "pending" && over ? strings.notStarted : strings.status[status];
}

declare global {
  interface HTMLElementTagNameMap {
    "reasoning-panel": ReasoningPanel;
  }
}

defineOnce("reasoning-panel", ReasoningPanel);
