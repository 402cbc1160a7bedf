import { isBrokenSessionError } from '../../../src/controller/broken-session-error.js';

function coded(message: string, code?: string, cause?: unknown): Error {
  return Object.assign(new Error(message, { cause }), code === undefined ? {} : { code });
}

describe('isBrokenSessionError', () => {
  it.each([
    ['ENHANCE_YOUR_CALM on a stream', coded('Stream closed with error code NGHTTP2_ENHANCE_YOUR_CALM'), true],
    ['a GOAWAY', coded('GOAWAY received', 'UND_ERR_SOCKET'), true],
    ['a GOAWAY session code', coded('New streams cannot be created', 'ERR_HTTP2_GOAWAY_SESSION'), true],
    ['a destroyed session', coded('The session has been destroyed', 'ERR_HTTP2_INVALID_SESSION'), true],
    ['a closed client', coded('The client is closed', 'UND_ERR_CLOSED'), true],
    [
      'fetch failed caused by ENHANCE_YOUR_CALM',
      coded('fetch failed', undefined, coded('NGHTTP2_ENHANCE_YOUR_CALM')),
      true,
    ],
    ['a refused connection', coded('connect ECONNREFUSED', 'ECONNREFUSED'), false],
    ['an abort', coded('This operation was aborted', 'ABORT_ERR'), false],
    [
      'fetch failed caused by a timeout',
      coded('fetch failed', undefined, coded('timeout', 'UND_ERR_HEADERS_TIMEOUT')),
      false,
    ],
    ['not an error', 'NGHTTP2_ENHANCE_YOUR_CALM', false],
  ])('tells %s apart (%#)', (_name, error, expected) => {
    expect(isBrokenSessionError(error)).toBe(expected);
  });

  it('stops on a cause cycle', () => {
    const error = coded('fetch failed');
    (error as { cause?: unknown }).cause = error;
    expect(isBrokenSessionError(error)).toBe(false);
  });
});
