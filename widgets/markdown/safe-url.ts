/** The link allow-list: model text may only link to web pages and e-mail addresses. */

const ALLOWED_PROTOCOLS = new Set(["https:", "http:", "mailto:"]);

/**
 * The normalised URL when `raw` is an absolute `https:`, `http:` or `mailto:` URL, else
 * `undefined`. Parsing with the URL parser (no base) is what makes this safe: it applies the same
 * stripping of whitespace and control characters as the browser, so `java\tscript:` is
 * `javascript:`, while relative and protocol-relative (`//host`) references do not parse at all.
 */
export function safeHref(raw: string): string | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  return ALLOWED_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}
