import fc from 'fast-check';
import {
  compareFencingTokens,
  FencingTokenSchema,
  isFencingToken,
} from '../../../../src/api/protocol/index.js';

const token = fc.bigInt({ min: 1n, max: 10n ** 30n }).map(String);

describe('fencing tokens (Lease resourceVersions)', () => {
  it('orders tokens exactly as the integers they spell, whatever their lengths', () => {
    fc.assert(
      fc.property(token, token, (a, b) => {
        expect(Math.sign(compareFencingTokens(a, b))).toBe(Math.sign(Number(BigInt(a) - BigInt(b))));
      }),
    );
  });

  it.each(['1', '9', '10', '1234567890123456789012345'])('accepts %s', (value) => {
    expect(isFencingToken(value)).toBe(true);
  });

  it.each(['', '0', '007', '-3', '1.5', '12a', ' 12', 'x'.repeat(3)])(
    'refuses %j with a message that says what a token is',
    (value) => {
      const parsed = FencingTokenSchema.safeParse(value);
      expect(parsed.success).toBe(false);
      expect(isFencingToken(value)).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/positive integer without leading zeros/);
    },
  );
});
