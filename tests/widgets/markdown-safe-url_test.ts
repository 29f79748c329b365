import assert from "node:assert/strict";
import { safeHref } from "../../widgets/markdown/safe-url.ts";

Deno.test("safeHref keeps https, http and mailto URLs, normalised", () => {
  assert.equal(safeHref("https://example.org/a?b=1#c"), "https://example.org/a?b=1#c");
  assert.equal(safeHref("HTTP://Example.ORG"), "http://example.org/");
  assert.equal(safeHref("mailto:care@example.org"), "mailto:care@example.org");
});

Deno.test("safeHref rejects javascript: in every spelling the URL parser accepts", () => {
  for (
    const href of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "JAVASCRIPT:alert(1)",
      " javascript:alert(1)",
      "\u0000javascript:alert(1)",
      "\u001fjavascript:alert(1)",
      "java\tscript:alert(1)",
      "java\nscript:alert(1)",
      "java\rscript:alert(1)",
      "javascript\t:alert(1)",
      "\u00a0javascript:alert(1)",
      "javascript://%0aalert(1)",
    ]
  ) {
    assert.equal(safeHref(href), undefined, JSON.stringify(href));
  }
});

Deno.test("safeHref rejects entity-encoded schemes, which stay undecoded and so relative", () => {
  for (
    const href of [
      "&#106;avascript:alert(1)",
      "&#x6A;avascript:alert(1)",
      "javascript&colon;alert(1)",
    ]
  ) {
    assert.equal(safeHref(href), undefined, href);
  }
});

Deno.test("safeHref rejects data:, vbscript:, file: and other schemes", () => {
  for (
    const href of [
      "data:text/html;base64,PHNjcmlwdD4=",
      "DATA:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "blob:https://example.org/1",
      "ftp://example.org",
      "tel:+123",
    ]
  ) {
    assert.equal(safeHref(href), undefined, href);
  }
});

Deno.test("safeHref rejects relative and protocol-relative references", () => {
  for (
    const href of ["//evil.example/x", "\\\\evil.example", "/path", "page.html", "#top", "?q=1", ""]
  ) {
    assert.equal(safeHref(href), undefined, href);
  }
});
