/**
 * Static files: `GET /` is the demo page, `/demo/*` its assets, `/dist/*` the widget bundle, all
 * read from the project root given to the app. Paths cannot leave their directory.
 */
import type { Context, Hono } from "hono";
import type { AppContext } from "../context.ts";
import { HttpError } from "../http/errors.ts";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  woff2: "font/woff2",
};

/** Registers the static routes. */
export function staticRoutes(app: Hono, ctx: AppContext): void {
  app.get("/", () => serveFile(ctx, ["demo", "index.html"]));
  for (const dir of ["demo", "dist"]) {
    app.get(`/${dir}/*`, (c) => serveFile(ctx, [dir, ...segments(c, dir)]));
  }
}

/** The decoded path segments under `/<dir>/`; 404 for anything that could escape it. */
function segments(c: Context, dir: string): string[] {
  const rest = new URL(c.req.url).pathname.slice(dir.length + 2);
  const parts = rest.split("/").map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return "";
    }
  });
  const unsafe = parts.some((p) => p === "" || p === "." || p === ".." || /[\\/\0:]/.test(p));
  if (unsafe) throw new HttpError(404, "not_found", "File not found");
  return parts;
}

async function serveFile(ctx: AppContext, parts: string[]): Promise<Response> {
  const path = `${ctx.root.replace(/\/$/, "")}/${parts.join("/")}`;
  const extension = parts[parts.length - 1].split(".").pop()?.toLowerCase() ?? "";
  try {
    const body = await Deno.readFile(path);
    return new Response(body, {
      headers: {
        "content-type": TYPES[extension] ?? "application/octet-stream",
        "cache-control": "no-cache",
      },
    });
  } catch {
    throw new HttpError(404, "not_found", "File not found");
  }
}
