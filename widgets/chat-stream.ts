import { html, nothing, type TemplateResult } from "lit";
import { property } from "lit/decorators.js";
import { repeat } from "lit/directives/repeat.js";
import { defineOnce } from "./define-once.ts";
import { breakable } from "./markdown/render-tokens.ts";
import { StickToBottomController } from "./scroll/stick-to-bottom.ts";
import type { ChatMessage, ViewState } from "./state/view-state.ts";
import { isBusy } from "./state/view-queries.ts";
import { StreamPanel } from "./stream-panel.ts";
import type { StreamStrings } from "./strings.ts";
import { chatStreamStyles } from "./styles/chat-stream.ts";
import { markdownStyles } from "./styles/markdown.ts";
import { themeStyles } from "./styles/theme.ts";

/**
 * @summary The conversation of the nearest `<stream-provider>`: history, the streaming reply with a
 * typing indicator, Stop, Retry, Copy per message, and an optional composer.
 *
 * @fires - None of its own: Send, Stop, Retry and Esc (stop) act through the nearest
 * `<stream-provider>`, which fires the `stream-*` events.
 *
 * @slot empty - Shown while the conversation has no message (default: nothing).
 *
 * @csspart base - The whole element.
 * @csspart log - The scrolling conversation (role="log").
 * @csspart message - Every message; also `message-user` or `message-assistant`.
 * @csspart message-header - A message's author row.
 * @csspart author - A message's author, or a workflow summary's stage title.
 * @csspart message-content - A message's text.
 * @csspart message-reasoning - A saved reply's reasoning, folded (a `<details>`).
 * @csspart copy-button - A message's Copy button.
 * @csspart read-aloud-button - A finished reply's Read aloud button (Stop reading while it reads; also `reading`).
 * @csspart incomplete - The mark on a reply cut short by a cancel or an error.
 * @csspart typing - The typing indicator shown before the reply's first words.
 * @csspart jump-button - "Jump to latest", shown when the reader has scrolled up.
 * @csspart error - The run's error with Retry, when the run failed writing the chat (announced
 *   once, by the provider's alert).
 * @csspart connection - The connection's state beside the latest message: also
 *   `connection-reconnecting`, `connection-offline` or `connection-resumed`.
 * @csspart retry-button - The error's Retry button.
 * @csspart stop-button - Stop, shown to the run's owner while a reply streams.
 * @csspart viewers - Who is watching the run, when others are (with auth on).
 * @csspart composer - The message form (attribute `composer`).
 * @csspart input - The composer's text area.
 * @csspart send-button - The composer's Send button.
 *
 * @cssprop --stream-font - Font family.
 * @cssprop --stream-fg - Text colour.
 * @cssprop --stream-bg - Background colour.
 * @cssprop --stream-muted - Secondary text colour (authors, incomplete mark).
 * @cssprop --stream-accent - Buttons, links and the typing caret.
 * @cssprop --stream-danger - Errors.
 * @cssprop --stream-radius - Corner radius.
 * @cssprop --stream-gap - Space between messages and controls.
 * @cssprop --stream-surface - Background of code and of assistant messages.
 * @cssprop --stream-caret-color - The typing caret (default: the accent).
 * @cssprop --chat-stream-height - Height of the conversation log (default 28rem).
 * @cssprop --chat-stream-user-bg - Background of the reader's own messages.
 */
export class ChatStream extends StreamPanel {
  static override styles = [themeStyles, markdownStyles, chatStreamStyles];

  /** Shows the composer: a text area and Send. */
  @property({ type: Boolean })
  accessor composer = false;

  readonly #scroll = new StickToBottomController(this, {
    scroller: () => this.renderRoot?.querySelector<HTMLElement>("[part~='log']"),
    content: () => this.renderRoot?.querySelector<HTMLElement>(".messages"),
  });

  readonly panel = "chat";

  override showsStage(): boolean {
    return true;
  }

  protected override focusFallback(): HTMLElement | null | undefined {
    const part = (name: string) => this.renderRoot.querySelector<HTMLElement>(`[part~="${name}"]`);
    return part("input") ?? part("log");
  }

  protected override render(): TemplateResult {
    const strings = this.text;
    const view = this.context?.view;
    const messages = view?.messages ?? [];
    this.keepMarkdown(new Set(messages.flatMap(({ id }) => [id, reasoningKey(id)])));
    const busy = this.busy;
    const replying = messages.some((m) => m.status === "streaming" && m.content !== "");
    return html`
      <div part="base">
        <div part="log" role="log" aria-live="off" tabindex="0" aria-label=${strings
          .conversation} aria-busy=${busy ? "true" : "false"}>
          <div class="messages">
            ${messages.length === 0 && !busy ? html`<slot name="empty"></slot>` : nothing}
            ${repeat(messages, (m) => m.id, (m) => this.#renderMessage(m, view!, strings))}
            ${this.connectionNotice.render(strings)}
            ${busy && !replying ? this.#renderTyping(strings) : nothing}
          </div>
        </div>
        ${this.#scroll.scrolledAway
          ? html`<button part="jump-button" @click=${() =>
            this.#scroll.jumpToLatest()}>${strings.jumpToLatest}</button>`
          : nothing}
        ${this.renderError()}
        ${busy && this.owns
          ? html`<div class="actions"><button part="stop-button" @click=${() =>
            this.context.cancel()}>${strings.stop}</button></div>`
          : nothing}
        ${this.renderWatchers()}
        ${this.composer && this.owns ? this.#renderComposer(busy, strings) : nothing}
        ${this.renderLiveRegion()}
      </div>
    `;
  }

  #renderMessage(message: ChatMessage, view: ViewState, strings: StreamStrings): TemplateResult {
    const user = message.role === "user";
    const streaming = message.status === "streaming" && isBusy(view.status);
    const incomplete = message.status === "cancelled" || message.status === "error" ||
      (message.status === "streaming" && !streaming);
    const author = user ? strings.you : message.title ?? strings.assistant;
    const content = user
      ? breakable(message.content)
      : this.markdownFor(message.id).render(message.content, streaming, message.contentTail);
    return html`
      <article part="message ${user ? "message-user" : "message-assistant"}" aria-label=${author}>
        <div part="message-header">
          <span part="author">${author}</span>
          ${message.content
            ? html`<button part="copy-button" aria-label=${strings.copyLabel(author)} @click=${() =>
              this.copy(message.content, { incomplete })}>${strings.copy}</button>`
            : nothing}
          ${!user && message.content && !streaming
            ? this.readAloud.render(message.id, message.content, { label: author, strings })
            : nothing}
        </div>
        ${message.reasoning
          ? this.#renderReasoning(message.id, message.reasoning, strings)
          : nothing}
        <div part="message-content" dir=${user ? "auto" : nothing} class=${streaming
          ? "markdown streaming"
          : "markdown"}>${content}</div>
        ${incomplete ? html`<div part="incomplete">${strings.incomplete}</div>` : nothing}
      </article>
    `;
  }

  /** A saved reply's reasoning, folded away: the answer is what the reader came for. */
  #renderReasoning(id: string, reasoning: string, strings: StreamStrings): TemplateResult {
    return html`
      <details part="message-reasoning">
        <summary>${strings.reasoning}</summary>
        <div class="markdown">${this.markdownFor(reasoningKey(id)).render(reasoning, false)}</div>
      </details>
    `;
  }

  #renderTyping(strings: StreamStrings): TemplateResult {
    return html`<div part="typing">
      <span class="visually-hidden">${strings.typing}</span>
      <span class="dot" aria-hidden="true"></span><span class="dot" aria-hidden="true"></span><span class="dot" aria-hidden="true"></span>
    </div>`;
  }

  #renderComposer(busy: boolean, strings: StreamStrings): TemplateResult {
    return html`
      <form part="composer" @submit=${this.#onSubmit}>
        <textarea part="input" name="message" rows="2" dir="auto" aria-label=${strings
          .composerLabel}
          placeholder=${strings.composerPlaceholder} @keydown=${this.#onComposerKey}></textarea>
        <button part="send-button" type="submit" ?disabled=${busy || !this.context}>${strings
          .send}</button>
      </form>
    `;
  }

  /** Enter sends, Shift+Enter is a new line; an IME composition's Enter is the IME's. */
  #onComposerKey = (event: KeyboardEvent): void => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    (event.target as HTMLTextAreaElement).form?.requestSubmit();
  };

  #onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem(
      "message",
    ) as HTMLTextAreaElement;
    const message = input.value.trim();
    if (message === "" || this.busy || !this.context) return;
    input.value = "";
    this.#scroll.jumpToLatest();
    // The provider reports a failed send through the view's error.
    this.context.send(message);
  };
}

/** A saved reply's reasoning renders apart from its answer. */
function reasoningKey(messageId: string): string {
  return `${messageId}/reasoning`;
}

declare global {
  interface HTMLElementTagNameMap {
    "chat-stream": ChatStream;
  }
}

defineOnce("chat-stream", ChatStream);
