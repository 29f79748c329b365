/**
 * What `<reasoning-panel>` and `<chat-stream>` share: the provider's context, replaceable strings,
 * rendering at most once per animation frame, the polite live region of their own stages and
 * copies, Esc to stop, Copy, the error with Retry, and the incremental markdown renderers of the
 * texts they show. The run's end, reconnections and errors are announced once, by the provider.
 */
import { consume } from "@lit/context";
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from "lit";
import { property, state } from "lit/decorators.js";
import { stageAnnouncements } from "./announcements.ts";
import { streamContext, type StreamContextValue } from "./context.ts";
import { copyText } from "./copy.ts";
import { MarkdownStream } from "./markdown/markdown-stream.ts";
import { announce, type Announcement, renderLiveRegion, SILENT } from "./live-region.ts";
import { nextFrame } from "./next-frame.ts";
import { isBusy } from "./state/view-queries.ts";
import type { Section, ViewState } from "./state/view-state.ts";
import { errorMessage, resolveStrings, type StreamStrings } from "./strings.ts";

/** The base of the elements that render a provider's view. */
export abstract class StreamPanel extends LitElement {
  /** Replacements for the default English strings. */
  @property({ attribute: false })
  accessor strings: Partial<StreamStrings> | undefined;

  /** Undefined until a `<stream-provider>` answers the context request. */
  @consume({ context: streamContext, subscribe: true })
  @state()
  accessor context!: StreamContextValue;

  /** What the polite live region says now. */
  @state()
  protected accessor announcement: Announcement = SILENT;

  readonly #markdown = new Map<string, MarkdownStream>();
  /** The focused control before an update, which the update may remove (Stop, Retry). */
  #focused?: Element;

  constructor() {
    super();
    this.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !this.busy) return;
      event.preventDefault();
      void this.context.cancel();
    });
  }

  /** The sections whose starts and completions this element announces. */
  protected abstract announcedSections(view: ViewState): Section[];

  /** Where focus goes when the focused control disappears, e.g. Stop once the run has stopped. */
  protected abstract focusFallback(): HTMLElement | null | undefined;

  /** Whether the current run may still produce output. */
  protected get busy(): boolean {
    return this.context !== undefined && isBusy(this.context.view.status);
  }

  /** The strings in effect: the defaults with the host page's replacements. */
  protected get text(): StreamStrings {
    return resolveStrings(this.strings);
  }

  /** Renders at most once per animation frame, however many chunks arrived since. */
  protected override async scheduleUpdate(): Promise<void> {
    await nextFrame();
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#focused = this.shadowRoot?.activeElement ?? undefined;
    if (!changed.has("context") || !this.context) return;
    const previous = (changed.get("context") as StreamContextValue | undefined)?.view;
    const said = stageAnnouncements(previous, this.context.view, {
      strings: this.text,
      sections: (view) => this.announcedSections(view),
    });
    if (said.length > 0) this.announcement = announce(this.announcement, said.join(". "));
  }

  protected override updated(): void {
    // A keyboard user whose button vanished would otherwise be sent back to the top of the page.
    if (this.#focused && !this.#focused.isConnected) this.focusFallback()?.focus();
    this.#focused = undefined;
  }

  /** Copies `text` and says whether it worked in the live region. */
  protected async copy(text: string): Promise<void> {
    const said = (await copyText(text)) ? this.text.copied : this.text.copyFailed;
    this.announcement = announce(this.announcement, said);
  }

  /** The renderer of one growing text, kept across updates under `key`. */
  protected markdownFor(key: string): MarkdownStream {
    let markdown = this.#markdown.get(key);
    if (!markdown) this.#markdown.set(key, markdown = new MarkdownStream());
    return markdown;
  }

  /** Forgets the renderers of texts no longer shown (a new run, another stage). */
  protected keepMarkdown(keys: ReadonlySet<string>): void {
    for (const key of this.#markdown.keys()) if (!keys.has(key)) this.#markdown.delete(key);
  }

  /** The run's error, with Retry when the server allows it (the provider's alert announces it). */
  protected renderError(): TemplateResult | typeof nothing {
    const error = this.context?.view.error;
    if (!error) return nothing;
    return html`<div part="error">
      <span>${errorMessage(error, this.text)}</span>
      ${
      error.retryAvailable
        ? html`<button part="retry-button" @click=${() =>
          this.context.retry()}>${this.text.retry}</button>`
        : nothing
    }
    </div>`;
  }

  /** The visually hidden polite live region (kept outside any aria-busy region). */
  protected renderLiveRegion(): TemplateResult {
    return renderLiveRegion(this.announcement);
  }
}
