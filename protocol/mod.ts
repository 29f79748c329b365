/** The wire contract: schemas, encoder, decoder. Pure; imports only zod. */
export * from "./events.ts";
export * from "./requests.ts";
export * from "./api-error.ts";
export * from "./sse-encode.ts";
export * from "./sse-decode.ts";
export * from "./parse-event.ts";
export * from "./finish-status.ts";
export * from "./access.ts";
