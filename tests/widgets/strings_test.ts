import assert from "node:assert/strict";
import { errorMessage, resolveStrings } from "../../widgets/strings.ts";

Deno.test("errorMessage keeps the server's words for an error", () => {
  const strings = resolveStrings(undefined);
  const error = { code: "upstream_error" as const, message: "Model failed", retryAvailable: true };
  assert.equal(errorMessage(error, strings), "Model failed");
});

Deno.test("errorMessage words the elements' own errors from the strings, by code", () => {
  const errors = { ...resolveStrings(undefined).errors, stream_lost: "Verbindung verloren" };
  const error = { code: "stream_lost" as const, retryAvailable: true };
  assert.equal(errorMessage(error, resolveStrings({ errors })), "Verbindung verloren");
  assert.equal(
    errorMessage(error, resolveStrings(undefined)),
    "The connection was lost before the answer was complete",
  );
});

Deno.test("errorMessage words a run the server lost itself, whatever the server said", () => {
  const error = { code: "stream_lost" as const, message: "Gone", retryAvailable: true };
  assert.equal(
    errorMessage(error, resolveStrings(undefined)),
    "The server no longer has this answer, as after a restart; Retry asks for it again",
  );
});
