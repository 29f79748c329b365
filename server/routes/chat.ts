/** Chat endpoints: start a run, stream it on the POST, the batch fallback, and conversations. */
import type { Hono } from "hono";
import { ChatRequest } from "../../protocol/requests.ts";
import type { AppContext } from "../context.ts";
import { readJson } from "../http/body.ts";
import { requireConversation } from "./access.ts";
import { batchResult, requireStreaming, startOrResume } from "./shared.ts";
import { awaitRun, startChat } from "./start-run.ts";

/** Registers the chat and conversation routes. */
export function chatRoutes(app: Hono, ctx: AppContext): void {
  const read = (request: Request) =>
    readJson(request, ChatRequest, { maxBytes: ctx.config.maxBodyBytes });

  app.post("/api/chat/messages", async (c) => {
    requireStreaming(ctx);
    const run = await startChat(ctx, c, await read(c.req.raw));
    const runId = run.info.id;
    return c.json({
      conversationId: run.info.conversationId,
      runId,
      streamUrl: `/api/runs/${runId}/stream`,
      cancelUrl: `/api/runs/${runId}/cancel`,
    }, 201);
  });

  app.post("/api/chat/stream", async (c) => {
    const body = await read(c.req.raw);
    return await startOrResume(ctx, c, {
      belongs: (run) =>
        run.info.kind === "chat" &&
        (body.conversationId === undefined || run.info.conversationId === body.conversationId),
      start: () => startChat(ctx, c, body),
    });
  });

  app.post("/api/chat", async (c) => {
    const run = await startChat(ctx, c, await read(c.req.raw));
    await awaitRun(run, c.req.raw.signal);
    // The assistant message is saved as the run ends; read it back as stored.
    const conversation = await ctx.conversations.get(run.info.conversationId!);
    const message = conversation?.messages.findLast((m) =>
      m.runId === run.info.id && m.role === "assistant"
    );
    return c.json({ conversationId: run.info.conversationId, ...batchResult(run), message });
  });

  app.get("/api/conversations/:id", async (c) => {
    const id = c.req.param("id");
    const conversation = await requireConversation(ctx, c, {
      id,
      found: await ctx.conversations.get(id),
      ask: { action: "read", intent: "read" },
    });
    return c.json({ id: conversation.id, messages: conversation.messages });
  });
}
