import type { RandomStream } from './random-stream.js';
import type { Distribution } from './scenario.js';

/** Γ(x) by the Lanczos approximation (x > 0), for the Weibull scale. */
function gamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const y = x - 1;
  let a = c[0]!;
  const t = y + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (y + i);
  return Math.sqrt(2 * Math.PI) * t ** (y + 0.5) * Math.exp(-t) * a;
}

/**
 * Draws one value. Each kind always consumes the same number of uniforms (lognormal two, the others one), so a
 * visitor's later draws do not shift when an earlier value changes.
 */
export function sampleDistribution(dist: Distribution, random: RandomStream): number {
  switch (dist.dist) {
    case 'constant':
      random.next();
      return dist.value;
    case 'exponential':
      return -dist.mean * Math.log(random.next());
    case 'uniform':
      return dist.min + (dist.max - dist.min) * random.next();
    case 'lognormal': {
      const sigma2 = Math.log(1 + dist.cv * dist.cv);
      const mu = Math.log(dist.mean) - sigma2 / 2;
      const z = Math.sqrt(-2 * Math.log(random.next())) * Math.cos(2 * Math.PI * random.next());
      return Math.exp(mu + Math.sqrt(sigma2) * z);
    }
    case 'weibull': {
      const scale = dist.mean / gamma(1 + 1 / dist.shape);
      return scale * (-Math.log(random.next())) ** (1 / dist.shape);
    }
  }
}
