import pino, { type Logger, type LoggerOptions } from 'pino';
import { redactPaths } from './redaction';

export type { Logger } from 'pino';

/** The one way a Vigil process makes its root logger: JSON to stdout, credentials redacted. */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths(), censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
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
