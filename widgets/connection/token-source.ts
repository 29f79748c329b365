/** A bearer token, or a function that returns one (a promise of one, when it must be fetched). */
export type TokenSource = string | (() => string | Promise<string>);
