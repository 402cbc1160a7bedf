import { RecentAnswers } from '../../../src/sim/recent-answers.js';

describe('RecentAnswers', () => {
  it('answers what was kept for a key, and the latest text for a key kept twice', () => {
    const answers = new RecentAnswers();
    answers.set('a', '{"n":1}');
    answers.set('a', '{"n":2}');

    expect(answers.get('a')).toBe('{"n":2}');
    expect(answers.get('b')).toBeUndefined();
  });

  it('drops the oldest beyond its count', () => {
    const answers = new RecentAnswers(2);
    answers.set('a', 'x');
    answers.set('b', 'y');
    answers.set('c', 'z');

    expect([answers.get('a'), answers.get('b'), answers.get('c')]).toEqual([undefined, 'y', 'z']);
  });

  it('drops the oldest beyond its characters, but keeps the one just kept even when it is larger', () => {
    const answers = new RecentAnswers(100, 10);
    answers.set('a', '12345');
    answers.set('b', '12345');
    answers.set('c', '1');

    expect([answers.get('a'), answers.get('b'), answers.get('c')]).toEqual([undefined, '12345', '1']);
    answers.set('d', '0123456789abc');
    expect([answers.get('b'), answers.get('c'), answers.get('d')]).toEqual([
      undefined,
      undefined,
      '0123456789abc',
    ]);
  });
});
