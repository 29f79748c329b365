// @ts-check
/** The server's health: which model serves the page, and whether streaming is switched on. */
import { api } from "./api.js";
import { $ } from "./dom.js";

/** @type {{provider?: string, streaming?: boolean} | undefined} */
let health;

/** Whether the server answers stream requests with 503, so the widgets fall back to batch. */
export function streamingOff() {
  return health?.streaming === false;
}

/** Asks the server again and shows the model and the streaming switch. */
export async function refreshHealth() {
  try {
    health = await api("/api/health");
  } catch {
    health = undefined;
  }
  const model = health?.provider === "openai"
    ? "OpenAI-compatible"
    : health?.provider === "scripted"
    ? "scripted (offline)"
    : "unavailable";
  $("model-badge").textContent = `Model: ${model}`;
  const batchButton = document.querySelector('[data-scenario="batch"]');
  if (batchButton) {
    batchButton.setAttribute("aria-pressed", String(streamingOff()));
    batchButton.textContent = streamingOff() ? "Turn streaming on" : "Turn streaming off";
  }
}
