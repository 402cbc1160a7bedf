// RFC 9110 §5.6.7 HTTP-date: IMF-fixdate, the obsolete RFC 850 form and asctime (which carries no zone: GMT).
const imfFixdate = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const rfc850Date = /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const asctimeDate = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Parses an HTTP Retry-After value (delta-seconds or an HTTP date) into ms from `nowMs`; undefined when absent,
 * unreadable or beyond the safe integers. Dates in the past become 0. Only the three HTTP-date forms go to
 * Date.parse, whose lenient fallback would otherwise read "-5" as the year -5 and "soon 5" as some date.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  if (!imfFixdate.test(text) && !rfc850Date.test(text) && !asctimeDate.test(text)) return undefined;
  const at = Date.parse(asctimeDate.test(text) ? `${text} GMT` : text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
