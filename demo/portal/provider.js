// @ts-check
/** The page's `<stream-provider>`: it owns the run, and the page reads it through `view`. */

/** @typedef {import("../../widgets/index.ts").StreamProvider} StreamProvider */
/** @typedef {import("../../widgets/index.ts").ViewState} ViewState */
/** @typedef {import("../../widgets/index.ts").StreamStatus} StreamStatus */
/** @typedef {import("../../widgets/index.ts").PlanEntry} PlanEntry */

/** The provider that wraps both panes. */
export const provider = /** @type {StreamProvider} */ (document.getElementById("provider"));
