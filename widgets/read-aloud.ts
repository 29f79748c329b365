/**
 * Read aloud: one text of an element at a time through the browser's speech synthesis, without
 * its markdown symbols. Reading again, Stop, or leaving the page ends it. A Lit ReactiveController.
 */
import {
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from "lit";
import { speechText } from "./markdown/speech-text.ts";
import type { StreamStrings } from "./strings.ts";

/** Whether this browser can speak (where it cannot, the buttons are not shown). */
export function canSpeak(): boolean {
  return typeof globalThis.speechSynthesis !== "undefined" &&
    typeof globalThis.SpeechSynthesisUtterance === "function";
}

/** The reading of one element's texts. */
export class ReadAloud implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #reading?: { key: string; utterance: SpeechSynthesisUtterance };

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether one of the element's texts is being read. */
  get reading(): boolean {
    return this.#reading !== undefined;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
  }

  /**
   * The button of the text under `key`: Read aloud, or Stop while that text is read; nothing
   * without speech synthesis. `label` names the text in the button's accessible name.
   */
  render(
    key: string,
    markdown: string,
    { label, strings }: { label: string; strings: StreamStrings },
  ): TemplateResult | typeof nothing {
    if (!canSpeak()) return nothing;
    if (this.#reading?.key === key) {
      return html`
        <button part="read-aloud-button reading" aria-label=${strings
          .stopReadingLabel(label)}
          @click=${() => this.stop()}>${strings.stopReading}</button>
      `;
    }
    return html`
      <button part="read-aloud-button" aria-label=${strings.readAloudLabel(label)}
        @click=${() => this.#speak(key, markdown)}>${strings.readAloud}</button>
    `;
  }

  /** Ends the reading, if any. */
  stop(): void {
    if (!this.#reading) return;
    this.#reading = undefined;
    speechSynthesis.cancel();
    this.#host.requestUpdate();
  }

  #speak(key: string, markdown: string): void {
    // The synthesizer is one per page: whatever it was saying gives way.
    speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(speechText(markdown));
    const ended = () => {
      if (this.#reading?.utterance !== utterance) return;
      this.#reading = undefined;
      this.#host.requestUpdate();
    };
    utterance.addEventListener("end", ended);
    utterance.addEventListener("error", ended);
    this.#reading = { key, utterance };
    speechSynthesis.speak(utterance);
    this.#host.requestUpdate();
  }
}
