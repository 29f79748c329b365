/** Run, conversation and message ids. */

/** Makes unguessable ids: 128 random bits, base64url (22 characters, matching RunId). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}
