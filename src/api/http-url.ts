import { z } from 'zod';
import { withCelRule } from './cel-rule.js';

/** Longest URL accepted in a spec; bounds the cost of CEL rules over URLs. */
export const maxUrlLength = 2048;

/** Hosts for which plain http is allowed where https is otherwise required: the demo and tests run on these. */
export const loopbackHosts = ['127.0.0.1', 'localhost', '::1'] as const;

/** How one URL field is documented and checked. */
export interface HttpUrlFieldOptions {
  /** Field name used in messages, e.g. `engagement.baseAuthURL`. */
  readonly field: string;
  /** The field's `kubectl explain` text. */
  readonly description: string;
  /** When true, http is accepted only for loopback hosts; credentials travel over this URL. */
  readonly isHttpsRequired: boolean;
}

/** Parses a URL the way the checks below need it; undefined when the text is no absolute URL. */
function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

const authorityHost = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)/;

/**
 * The host as Go's url.Hostname() (behind CEL's getHostname) sees it: taken from the text as written, brackets
 * of IPv6 literals removed, %XX decoded, but neither lower-cased nor normalised. WHATWG URL would turn
 * `http://127.1` and `http://LOCALHOST` into loopback hosts that the API server refuses; the two must agree.
 */
function hostnameAsWritten(text: string): string {
  const host = (authorityHost.exec(text)?.[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  try {
    return decodeURIComponent(host);
  } catch {
    return host;
  }
}

/**
 * An absolute http(s) URL field. With `isHttpsRequired`, plain http is refused unless the host is loopback
 * (127.0.0.1, localhost, ::1). Each rule is a CEL rule in the CRD and a zod refinement, with one message.
 */
export function httpUrlField(options: HttpUrlFieldOptions): z.ZodString {
  const schemeMessage = `${options.field} must be an absolute http or https URL`;
  const base = z
    .string()
    .min(1, { message: schemeMessage })
    .max(maxUrlLength, { message: `${options.field} must be at most ${maxUrlLength} characters` })
    .meta({ description: options.description });
  const withScheme = withCelRule(
    base,
    {
      rule: "isURL(self) && url(self).getScheme() in ['http', 'https'] && url(self).getHostname() != ''",
      message: schemeMessage,
    },
    (value) => {
      const url = parseUrl(value);
      return (
        url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
      );
    },
  );
  if (!options.isHttpsRequired) return withScheme;
  const hosts = loopbackHosts.map((host) => `'${host}'`).join(', ');
  return withCelRule(
    withScheme,
    {
      rule: `!isURL(self) || url(self).getScheme() == 'https' || url(self).getHostname() in [${hosts}]`,
      message: `${options.field} must use https unless its host is loopback (${loopbackHosts.join(', ')})`,
    },
    (value) => {
      const url = parseUrl(value);
      if (url === undefined) return true;
      return (
        url.protocol === 'https:' || (loopbackHosts as readonly string[]).includes(hostnameAsWritten(value))
      );
    },
  );
}
