import { setFlagsFromString } from 'node:v8';

/**
 * True when V8 gives `a` and `b` the same hidden class (map), through its `%HaveSameMap` natives syntax. Tests of
 * objects kept alive for their shape use it: the shape is the point, and field order or a number's representation
 * (a small integer against a double) changes it where no other assertion can see it.
 */
export function haveSameV8Shape(a: object, b: object): boolean {
  setFlagsFromString('--allow-natives-syntax');
  // Compiled only now, after the flag: the natives syntax is a parser option.
  const same = new Function('a', 'b', 'return %HaveSameMap(a, b);') as (a: object, b: object) => boolean;
  return same(a, b);
}
