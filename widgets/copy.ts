/** Copying to the clipboard, also on plain-http intranet pages that lack the async Clipboard API. */
import { plainText } from "./markdown/plain-text.ts";

/** Copies `text`; resolves whether it worked. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return copyThroughSelection(text);
  }
}

/** What a Copy button puts on the clipboard: readable text (the default) or the markdown source. */
export type CopyFormat = "text" | "markdown";

/**
 * The text a copy of streamed output carries, as plain text or as its markdown source; an
 * incomplete one ends with the mark in brackets.
 */
export function copyContent(
  markdown: string,
  { format = "text", incompleteMark }: { format?: CopyFormat; incompleteMark?: string } = {},
): string {
  const text = format === "markdown" ? markdown : plainText(markdown);
  return incompleteMark === undefined ? text : `${text.trimEnd()}\n\n[${incompleteMark}]`;
}

/** `execCommand("copy")` is deprecated but is the only way on insecure origins. */
function copyThroughSelection(text: string): boolean {
  const focused = deepActiveElement();
  const area = document.createElement("textarea");
  area.value = text;
  area.readOnly = true;
  area.style.cssText = "position:fixed;inset:0 auto auto 0;opacity:0";
  document.body.append(area);
  area.select();
  try {
    return document.execCommand("copy");
  } finally {
    area.remove();
    focused?.focus();
  }
}

function deepActiveElement(): HTMLElement | undefined {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : undefined;
}
