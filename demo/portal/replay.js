// @ts-check
/**
 * "Audit replay": once a run has ended, opens it in `<run-replay>` — the scrubber shows what the
 * panels showed at any moment of it, beside who started, watched or cancelled it, with an export
 * of the run's sealed record. The replay signs its requests as the page's provider does.
 */
import { logActivity } from "./activity.js";
import { $ } from "./dom.js";
import { provider } from "./provider.js";

/** Enables "Audit replay" for each run that ends, and opens the replay of the latest. */
export function setupAuditReplay() {
  const button = /** @type {HTMLButtonElement} */ ($("audit-replay"));
  const dialog = /** @type {HTMLDialogElement} */ ($("replay-dialog"));
  const replay = /** @type {HTMLElement & {runId: string, token: unknown}} */ ($("replay"));
  /** @type {string | undefined} */
  let ended;
  provider.addEventListener("stream-status", ({ detail: { status } }) => {
    if (status === "connecting") button.disabled = true;
  });
  provider.addEventListener("stream-done", () => {
    ended = provider.view.runId;
    button.disabled = ended === undefined;
  });
  button.addEventListener("click", () => {
    if (!ended) return;
    replay.token = provider.token;
    replay.runId = ended;
    logActivity(`Audit replay of run ${ended}`);
    dialog.showModal();
  });
  $("replay-close").addEventListener("click", () => dialog.close());
}
