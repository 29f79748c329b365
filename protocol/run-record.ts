/**
 * A run's exported record (`GET /api/runs/:runId/export`): one JSON file holding the run's events
 * with their times, its panel digests and its audit entries, sealed by a SHA-256.
 *
 * The file is exactly `{"record":<R>,"sha256":"<hex>"}`, where `<hex>` is the SHA-256 of the UTF-8
 * bytes of `<R>` as they stand in the file. Hashing those bytes, not a re-serialization, means any
 * changed byte — even whitespace that a JSON parser would ignore — breaks the seal.
 */

/** The `format` of a record. */
export const RUN_RECORD_FORMAT = "stream-widgets/run-record@1";

const PREFIX = '{"record":';
const SUFFIX = /,"sha256":"([0-9a-f]{64})"\}$/;
const encoder = new TextEncoder();

/** The file for `recordJson` (a JSON text without insignificant whitespace), sealed. */
export async function sealRecord(recordJson: string): Promise<string> {
  return `${PREFIX}${recordJson},"sha256":"${await sha256Hex(recordJson)}"}`;
}

/** Whether `file` is a sealed record whose bytes are as they were sealed. */
export async function verifyRecord(file: string): Promise<boolean> {
  const suffix = SUFFIX.exec(file);
  if (!file.startsWith(PREFIX) || !suffix) return false;
  const recordJson = file.slice(PREFIX.length, suffix.index);
  return await sha256Hex(recordJson) === suffix[1];
}

/** Hex SHA-256 of `text` as UTF-8. */
async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
