/** The part of a schedule specification that broke a rule. */
export type ScheduleField = 'type' | 'expression' | 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week' | 'timezone' | 'value' | 'unit' | 'anchor';

/**
 * An invalid schedule. `message` names the rule broken, e.g. `minute field: 61 is out of range 0-59` or
 * `unknown time zone "Mars/Base"`; `field` says which part of the specification is at fault. Callers at an
 * HTTP edge wrap it in their own error type (it deliberately does not depend on `@vigil/errors`).
 */
export class ScheduleError extends Error {
  readonly code = 'invalid_schedule';
  constructor(
    readonly field: ScheduleField,
    message: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}
