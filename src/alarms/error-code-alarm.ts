import type { AlarmName } from './alarm-name.js';

/**
 * Which alarm a typed error raises, by its stable `code` (the engagement room's codes; taken as strings so this
 * room does not import engagement). Codes not listed raise no alarm by themselves.
 */
const alarmByErrorCode: ReadonlyMap<string, AlarmName> = new Map<string, AlarmName>([
  ['PACING_ERR_ENGAGEMENT_REQUEST_FAILED', 'PacingRequestsFailed'],
  ['PACING_ERR_ENGAGEMENT_TARGET', 'PacingResponseTargetError'],
  ['PACING_ERR_ENGAGEMENT_VALIDATION', 'PacingResponseValidationError'],
]);

/** The alarm an error code maps to, or undefined when the code raises none. */
export function alarmForErrorCode(code: string): AlarmName | undefined {
  return alarmByErrorCode.get(code);
}
