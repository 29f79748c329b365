/** Turning Redis client failures into the one error the API maps to 503. */
import { SharedUnavailableError } from "../runs/shared-runs.ts";

/** Runs a Redis operation; any failure of the client becomes SharedUnavailableError. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof SharedUnavailableError) throw error;
    throw new SharedUnavailableError("Redis operation failed", { cause: error });
  }
}
