/**
 * Markdown as text to be spoken: the plain text Copy gives, without the marks a voice would read
 * out — list bullets, rules, table tabs and link addresses. Pure.
 */
import { plainText } from "./plain-text.ts";

/** The words of `markdown`, for speech synthesis. */
export function speechText(markdown: string): string {
  return plainText(markdown)
    .replace(/^[ \t]*•[ \t]+/gm, "")
    .replace(/^—$/gm, "")
    .replace(/\t/g, ", ")
    .replace(/ \((?:https?:\/\/|mailto:)[^)\s]*\)/g, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
