/**
 * Reading request bodies: JSON only (415 otherwise), bounded in size (413) and in time (408), valid
 * UTF-8 and JSON (400), validated by a zod schema with unknown fields rejected. Issues name a path
 * and a code, never the offending input.
 */
import type { MiddlewareHandler } from "hono";
import type * as z from "zod/mini";
import type { ApiIssue } from "../../protocol/api-error.ts";
import { HttpError } from "./errors.ts";

/** Reads and validates a JSON body; `optional` lets an absent body stand for `{}`. */
export async function readJson<T>(
  request: Request,
  schema: z.ZodMiniType<T>,
  options: { maxBytes: number; optional?: boolean },
): Promise<T> {
  const bytes = await readBytes(request, options.maxBytes);
  if (bytes.byteLength === 0) {
    if (options.optional) return validate(schema, {});
    throw new HttpError(400, "invalid_request", "Request body is required");
  }
  if (!isJsonType(request.headers.get("content-type"))) {
    throw new HttpError(415, "invalid_request", "Content-Type must be application/json");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "invalid_request", "Request body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_request", "Request body is not valid JSON");
  }
  return validate(schema, value);
}

/**
 * Validates a value (a body, by default; `what` names it otherwise), reporting issues as
 * `{path, code}` (never the value): an unknown field is reported at its own path, one per field.
 */
export function validate<T>(schema: z.ZodMiniType<T>, value: unknown, what = "Request body"): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(result.error.issues);
  throw new HttpError(400, "invalid_request", `${what} is not valid`, { issues });
}

/** A zod issue, as far as a reported issue needs it. */
interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  keys?: string[];
}

/**
 * Issues as the JSON error reports them: `{path, code}`, never the value, an unknown field at its
 * own path (one per field), each path under `prefix`.
 */
export function issuesOf(issues: readonly ZodIssueLike[], prefix: string[] = []): ApiIssue[] {
  return issues.flatMap((issue) => {
    const keys = issue.code === "unrecognized_keys" && issue.keys ? issue.keys : [undefined];
    return keys.map((key) => ({
      path: [...prefix, ...issue.path, ...(key === undefined ? [] : [key])].map(String).join("."),
      code: issue.code,
    }));
  });
}

/** Whether a Content-Type header is JSON in UTF-8. */
export function isJsonType(header: string | null): boolean {
  if (header === null) return false;
  const [type, ...params] = header.toLowerCase().split(";").map((part) => part.trim());
  if (type !== "application/json") return false;
  const charset = params.find((p) => p.startsWith("charset="));
  return charset === undefined || charset.replaceAll('"', "") === "charset=utf-8";
}

async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new HttpError(413, "invalid_request", `Request body exceeds ${maxBytes} bytes`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  const read = () =>
    reader.read().catch((error) => {
      if (error instanceof BodyTimeoutError) {
        // `close`: the rest of the body may never come, so the connection cannot be reused.
        throw new HttpError(408, "invalid_request", "Request body was not received in time", {
          headers: { connection: "close" },
        });
      }
      throw error;
    });
  for (let step = await read(); !step.done; step = await read()) {
    size += step.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(step.value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** The body did not arrive within its deadline. */
class BodyTimeoutError extends Error {
  override name = "BodyTimeoutError";
}

/**
 * Gives every request body `timeoutMs` from the request's arrival to arrive in full: a client
 * that announces a body and trickles it, or never sends it, answers 408 instead of holding the
 * request. Deno.serve has no body timeout of its own.
 */
export function bodyDeadline(timeoutMs: number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return await next();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const body = raw.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        start(controller) {
          timer = setTimeout(() => controller.error(new BodyTimeoutError()), timeoutMs);
        },
        flush() {
          clearTimeout(timer);
        },
      }),
    );
    c.req.raw = new Request(raw, { body, duplex: "half" } as RequestInit);
    try {
      await next();
    } finally {
      clearTimeout(timer);
    }
  };
}
