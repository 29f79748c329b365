// @ts-check
/**
 * The HS256 secret `npm run demo:clinicians` starts the server with, and with which the demo page
 * mints its synthetic clinicians' tokens. Published on purpose: demo only, never for real use.
 */
export const DEMO_SECRET = "stream-widgets-demo-clinicians-only-never-for-real-use";
