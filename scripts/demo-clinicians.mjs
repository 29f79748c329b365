// The demo with its two synthetic clinicians: the server with auth on, signed by the demo's
// published secret, so that `/?as=ada` and `/?as=bo` can mint their tokens in the page.
import { spawn } from "node:child_process";
import { DEMO_SECRET } from "../demo/portal/demo-secret.js";

const deno = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const server = spawn(deno, [
  "run",
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  new URL("../server/main.ts", import.meta.url).pathname,
], {
  stdio: "inherit",
  env: { ...process.env, AUTH_JWT_SECRET: DEMO_SECRET, DEMO_CONTROLS: "true" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
console.log("Demo clinicians: open /?as=ada to start runs; Dr Bo's link opens as an observer.");
