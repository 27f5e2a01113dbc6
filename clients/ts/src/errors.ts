/** A typed failure: a server error frame (`code` as in the protocol) or a client-side one. */
export class TandemError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TandemError';
    this.code = code;
  }
}

/** Error codes after which reconnecting cannot help. */
export const FATAL_CODES = new Set(['unauthorized', 'token_expired']);
