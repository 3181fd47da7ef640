import pino, { type Logger, type LoggerOptions } from 'pino';
import { REDACTED, redactFields, SENSITIVE_FIELDS } from './redaction';

export type { Logger } from 'pino';

/** The one way a Vigil process makes its root logger: JSON to stdout, credentials redacted. */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    // Log fields are searched three levels deep by `redactFields`. Child bindings (`logger.child({...})`) never
    // pass through `formatters`, so pino's own redaction covers them, by name at the top level only (its
    // wildcard paths cost more than the rest of a log call).
    redact: { paths: SENSITIVE_FIELDS.map((field) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? field : `["${field}"]`)), censor: REDACTED },
    formatters: { level: (label) => ({ level: label }), log: (fields) => redactFields(fields) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The ids every log line about a check-in carries, under the same names everywhere. */
export interface CheckinLogContext {
  monitor_id?: string;
  environment?: string;
  checkin_id?: string;
  project_id?: number;
}
