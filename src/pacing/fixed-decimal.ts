const scales = [1, 10, 100, 1000] as const;

/** `.0` … `.9`, `.00` … `.99` and `.000` … `.999`, by the number of digits and then the fraction's value. */
const fractionSuffixes: readonly (readonly string[])[] = Object.freeze(
  scales.map((scale, digits) =>
    Object.freeze(
      Array.from({ length: digits === 0 ? 0 : scale }, (_, f) => `.${String(f).padStart(digits, '0')}`),
    ),
  ),
);

/**
 * `value.toFixed(digits)` for 0–3 digits, exactly, without the runtime call for the common case (a
 * non-negative value below 10^9 / 10^digits that is not within 10^-6 of a rounding tie): explanations format
 * six numbers for each of 10,000 targets a round, and toFixed dominated that. Anything else — negative, huge,
 * not finite, or so near a tie that the double's exact decimal expansion decides — goes to `toFixed` itself.
 */
export function formatFixed(value: number, digits: 0 | 1 | 2 | 3): string {
  const scale = scales[digits];
  const scaled = value * scale;
  if (!(scaled >= 0 && scaled < 1e9)) return value.toFixed(digits);
  // |computed − exact| of `scaled` is below 1.2e-7 here, so away from a tie both round to the same integer.
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6) return value.toFixed(digits);
  const n = Math.round(scaled);
  if (digits === 0) return String(n);
  const whole = Math.floor(n / scale);
  // One concatenation with a ready-made ".05" rather than building the padded fraction and its point per call:
  // a round formats five figures for each of 10,000 explanations, and every string built is garbage to collect.
  return String(whole) + fractionSuffixes[digits]![n - whole * scale]!;
}
