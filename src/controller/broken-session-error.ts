/** Codes and message fragments of errors after which an HTTP/2 session (or its socket) is no longer usable. */
const brokenSessionCodes = new Set([
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_SESSION_ERROR',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
]);
const brokenSessionMessages = [
  /NGHTTP2_ENHANCE_YOUR_CALM/,
  /GOAWAY/i,
  /session (has been |was )?(closed|destroyed)/i,
];

/**
 * Whether an error (or one of its causes) says the shared connection is broken for good: ENHANCE_YOUR_CALM,
 * GOAWAY, or a closed/destroyed session or client. A session in that state fails every later request, so the
 * caller replaces the dispatcher instead of retrying on it.
 */
export function isBrokenSessionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && brokenSessionCodes.has(code)) return true;
    if (typeof message === 'string' && brokenSessionMessages.some((pattern) => pattern.test(message))) {
      return true;
    }
    current = cause;
  }
  return false;
}
