/**
 * A run's exported record (`GET /api/runs/:runId/export`): one JSON file holding the run's events
 * with their times, its panel digests and its audit entries, sealed by a SHA-256.
 *
 * The file is exactly `{"record":<R>,"sha256":"<hex>"}`, where `<hex>` is the SHA-256 of the UTF-8
 * bytes of `<R>` as they stand in the file. Hashing those bytes, not a re-serialization, means any
 * changed byte — even whitespace that a JSON parser would ignore — breaks the seal.
 */
import { sha256Hex } from "./sha256.ts";

/** The `format` of a record. */
export const RUN_RECORD_FORMAT = "stream-widgets/run-record@1";

const PREFIX = '{"record":';
const SUFFIX = /,"sha256":"([0-9a-f]{64})"\}$/;

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
