/**
 * What a scripted stream needs of Playwright's `Route`, spelled out so that the package does not
 * depend on Playwright, and the reading of a body Playwright must be given whole.
 */

/** The part of Playwright's `Route` that `ScriptedStream.route` uses. */
export interface PlaywrightRoute {
  request(): { url(): string; method(): string; headers(): Record<string, string> };
  fulfill(
    response: { status: number; headers: Record<string, string>; body: string },
  ): Promise<void>;
}

/**
 * The text of a response body up to where it ends or is cut: a cut connection becomes a body that
 * ends early, which the provider resumes from its cursor just the same.
 */
export async function bodyText(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      text += decoder.decode(read.value, { stream: true });
    }
  } catch {
    // Cut: what arrived is the body.
  }
  return text + decoder.decode();
}
