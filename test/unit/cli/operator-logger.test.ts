import { Writable } from 'node:stream';
import { createOperatorLogger } from '../../../src/cli/operator-logger.js';

function aLoggerOnMemory(format: 'json' | 'pretty' = 'json') {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createOperatorLogger({ format, level: 'info', destination });
  return { logger, text: () => chunks.join('') };
}

describe('the operator logger', () => {
  it.each([
    ['a client secret at the top level', { client_secret: 'TOP-SECRET' }],
    ['a client secret in credentials', { credentials: { clientId: 'id', clientSecret: 'TOP-SECRET' } }],
    ['a bearer token', { token: 'TOP-SECRET' }],
    ['an Authorization header', { req: { headers: { authorization: 'Bearer TOP-SECRET' } } }],
    [
      'Secret data',
      {
        secret: { data: { client_secret: 'VE9QLVNFQ1JFVA==' }, stringData: { client_secret: 'TOP-SECRET' } },
      },
    ],
    ['an access token in an answer', { answer: { access_token: 'TOP-SECRET' } }],
  ])('removes %s from the line and keeps the rest', (_name, fields) => {
    const { logger, text } = aLoggerOnMemory();

    logger.info({ cluster: 'tenant/main', ...fields }, 'something happened');

    const line = JSON.parse(text()) as Record<string, unknown>;
    expect(text()).not.toContain('TOP-SECRET');
    expect(text()).not.toContain('VE9QLVNFQ1JFVA==');
    expect(text()).toContain('[REDACTED]');
    expect(line).toMatchObject({ msg: 'something happened', cluster: 'tenant/main', level: 30 });
  });

  it('writes one JSON object per line in json format', () => {
    const { logger, text } = aLoggerOnMemory();

    logger.info({ cycle: 1 }, 'one');
    logger.info({ cycle: 2 }, 'two');

    expect(
      text()
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
    ).toEqual(['one', 'two']);
  });

  it('writes readable text in pretty format, redacted too', () => {
    const { logger, text } = aLoggerOnMemory('pretty');

    logger.info({ client_secret: 'TOP-SECRET' }, 'pretty line');

    expect(text()).toContain('pretty line');
    expect(text()).not.toContain('TOP-SECRET');
    expect(() => JSON.parse(text())).toThrow();
  });
});
