import assert from "node:assert/strict";
import { requestLabel } from "../../widgets/connection/http.ts";
import { stepAfterRefusal } from "../../widgets/connection/next-step.ts";
import { defaultStrings, errorMessage } from "../../widgets/strings.ts";

Deno.test("request label names the method and URL and drops the query and fragment", () => {
  assert.equal(
    requestLabel("GET", "https://app.example/api/runs/r1/stream?lastEventId=r1.4&x=y#top"),
    "GET https://app.example/api/runs/r1/stream",
  );
  assert.equal(requestLabel("POST", "/api/chat/messages"), "POST /api/chat/messages");
});

Deno.test("a refusal's error names the request it was found on", () => {
  const step = stepAfterRefusal({
    type: "refused",
    status: 404,
    request: "GET http://localhost:5173/api/cases/c1/workflow/start/stream",
  });
  assert.deepEqual(step, {
    type: "fail",
    error: {
      code: "not_found",
      message: undefined,
      retryAvailable: false,
      request: "GET http://localhost:5173/api/cases/c1/workflow/start/stream",
    },
  });
  assert.equal(
    errorMessage(
      step.type === "fail" ? step.error : { code: "internal", retryAvailable: false },
      defaultStrings,
    ),
    "The answer could not be found (GET http://localhost:5173/api/cases/c1/workflow/start/stream)",
  );
});

Deno.test("an error found in the stream names no request", () => {
  assert.equal(
    errorMessage(
      { code: "upstream_error", message: "The model stopped", retryAvailable: true },
      defaultStrings,
    ),
    "The model stopped",
  );
});
