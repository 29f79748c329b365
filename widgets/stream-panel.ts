/**
 * What `<reasoning-panel>` and `<chat-stream>` share: the provider's context, replaceable strings,
 * rendering at most once per animation frame, the connection's state beside the text, a polite
 * live region for their copies, Esc to stop, Copy, the run's error with Retry (in the one panel
 * where the run was writing), and the incremental markdown renderers of the texts they show. The
 * stages, the run's end, reconnections and errors are announced once, by the provider.
 */
import { consume } from "@lit/context";
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from "lit";
import { property, state } from "lit/decorators.js";
import type { Panel } from "../protocol/events.ts";
import { ConnectionNotice } from "./connection-notice.ts";
import { streamContext, type StreamContextValue } from "./context.ts";
import { copyContent, type CopyFormat, copyText } from "./copy.ts";
import { MarkdownStream } from "./markdown/markdown-stream.ts";
import { announce, type Announcement, renderLiveRegion, SILENT } from "./live-region.ts";
import { nextFrame } from "./next-frame.ts";
import { ReadAloud } from "./read-aloud.ts";
import {
  errorShownBy,
  providerOf,
  type RegisteredPanel,
  registerPanel,
  unregisterPanel,
} from "./panel-registry.ts";
import { errorPlace, isBusy } from "./state/view-queries.ts";
import { errorMessage, resolveStrings, type StreamStrings } from "./strings.ts";

/** The base of the elements that render a provider's view. */
export abstract class StreamPanel extends LitElement implements RegisteredPanel {
  /** Replacements for the default English strings. */
  @property({ attribute: false })
  accessor strings: Partial<StreamStrings> | undefined;

  /** What Copy puts on the clipboard: `text` (readable plain text) or `markdown` (the source). */
  @property({ attribute: "copy-format" })
  accessor copyFormat: CopyFormat = "text";

  /** Undefined until a `<stream-provider>` answers the context request. */
  @consume({ context: streamContext, subscribe: true })
  @state()
  accessor context!: StreamContextValue;

  /** What the polite live region says now. */
  @state()
  protected accessor announcement: Announcement = SILENT;

  /** The panel of the view this element renders. */
  abstract readonly panel: Panel;

  /** The connection's state, shown beside the text. */
  protected readonly connectionNotice = new ConnectionNotice(this);
  /** Read aloud of the finished texts. */
  protected readonly readAloud = new ReadAloud(this);
  readonly #markdown = new Map<string, MarkdownStream>();
  /** The provider this element registered with, to share out the run's error. */
  #provider?: Element;
  /** The focused control before an update, which the update may remove (Stop, Retry). */
  #focused?: Element;

  constructor() {
    super();
    this.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      // Esc ends the reading first, then the run.
      if (this.readAloud.reading) {
        event.preventDefault();
        return this.readAloud.stop();
      }
      if (!this.busy || !this.owns) return;
      event.preventDefault();
      void this.context.cancel();
    });
  }

  /** Whether this element shows the given stage. */
  abstract showsStage(stage: string): boolean;

  /** Where focus goes when the focused control disappears, e.g. Stop once the run has stopped. */
  protected abstract focusFallback(): HTMLElement | null | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#provider = providerOf(this);
    if (this.#provider) registerPanel(this.#provider, this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#provider) unregisterPanel(this.#provider, this);
    this.#provider = undefined;
  }

  /** Whether the current run may still produce output. */
  protected get busy(): boolean {
    return this.context !== undefined && isBusy(this.context.view.status);
  }

  /** Whether the caller owns the run: observers and auditors get no Stop, Retry or composer. */
  protected get owns(): boolean {
    return (this.context?.view.access ?? "owner") === "owner";
  }

  /** Who is watching the run, when anyone but the caller is (with auth on). */
  protected renderWatchers(): TemplateResult | typeof nothing {
    const viewers = this.context?.viewers ?? [];
    if (viewers.length < 2) return nothing;
    const names = viewers.map((viewer) => viewer.name ?? viewer.sub).join(", ");
    return html`<div part="viewers">${this.text.watching(names)}</div>`;
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

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.#focused = this.shadowRoot?.activeElement ?? undefined;
    if (this.context) this.connectionNotice.follow(this.context.view.status);
  }

  protected override updated(): void {
    // A keyboard user whose button vanished would otherwise be sent back to the top of the page.
    if (this.#focused && !this.#focused.isConnected) this.focusFallback()?.focus();
    this.#focused = undefined;
  }

  /** Copies `markdown` in the element's copy format and says whether it worked. */
  protected async copy(markdown: string, { incomplete }: { incomplete: boolean }): Promise<void> {
    const content = copyContent(markdown, {
      format: this.copyFormat === "markdown" ? "markdown" : "text",
      incompleteMark: incomplete ? this.text.incomplete : undefined,
    });
    const said = (await copyText(content)) ? this.text.copied : this.text.copyFailed;
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

  /**
   * The run's error with Retry when the server allows it, in the one panel where the run was
   * writing (the provider's alert announces it).
   */
  protected renderError(): TemplateResult | typeof nothing {
    const view = this.context?.view;
    const error = view?.error;
    if (!error) return nothing;
    if (this.#provider && errorShownBy(this.#provider, errorPlace(view)) !== this) return nothing;
    return html`<div part="error">
      <span>${errorMessage(error, this.text)}</span>
      ${
      error.retryAvailable && this.owns
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
