import { deepEqual } from "node:assert/strict";
import { ChatRequest, WorkflowRunRequest } from "../../protocol/requests.ts";

/** Each issue as `path:code`, so a rejection is asserted exactly. */
function issues(schema: typeof ChatRequest | typeof WorkflowRunRequest, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}:${i.code}`);
}

Deno.test("ChatRequest accepts a message alone", () => {
  deepEqual(ChatRequest.parse({ message: "hi" }), { message: "hi" });
});

Deno.test("ChatRequest accepts a message with conversation and case ids", () => {
  const body = { conversationId: "conv_1-A", message: "hi", caseId: "c".repeat(64) };
  deepEqual(ChatRequest.parse(body), body);
});

Deno.test("ChatRequest accepts a message of 1000000 characters", () => {
  deepEqual(issues(ChatRequest, { message: "x".repeat(1_000_000) }), []);
});

const REJECTED: [string, unknown, string[]][] = [
  ["an unknown field", { message: "hi", extra: 1 }, [":unrecognized_keys"]],
  ["an empty message", { message: "" }, ["message:too_small"]],
  ["a missing message", {}, ["message:invalid_type"]],
  ["a message that is not a string", { message: 1 }, ["message:invalid_type"]],
  ["a message over 1000000 characters", { message: "x".repeat(1_000_001) }, ["message:too_big"]],
  ["a conversation id with a path", { message: "hi", conversationId: "../x" }, [
    "conversationId:invalid_format",
  ]],
  ["an empty case id", { message: "hi", caseId: "" }, ["caseId:invalid_format"]],
  ["a conversation id over 64 characters", { message: "hi", conversationId: "a".repeat(65) }, [
    "conversationId:invalid_format",
  ]],
  ["a case id with a space", { message: "hi", caseId: "a b" }, ["caseId:invalid_format"]],
  ["a body that is not an object", "hi", [":invalid_type"]],
];

for (const [what, value, expected] of REJECTED) {
  Deno.test(`ChatRequest rejects ${what}`, () => {
    deepEqual(issues(ChatRequest, value), expected);
  });
}

Deno.test("WorkflowRunRequest accepts an empty object", () => {
  deepEqual(WorkflowRunRequest.parse({}), {});
});

Deno.test("WorkflowRunRequest accepts a stage", () => {
  deepEqual(WorkflowRunRequest.parse({ stage: "plan" }), { stage: "plan" });
});

Deno.test("WorkflowRunRequest rejects a stage with a path", () => {
  deepEqual(issues(WorkflowRunRequest, { stage: "../x" }), ["stage:invalid_format"]);
});

Deno.test("WorkflowRunRequest rejects an unknown field", () => {
  deepEqual(issues(WorkflowRunRequest, { stages: ["plan"] }), [":unrecognized_keys"]);
});
