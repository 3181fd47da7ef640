import { TRACK_STATES } from '@vigil/contracts';
import { ISO_DATE_TIME, UUID, arrayOf, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';

export const MONITOR_ENVIRONMENT: JsonSchema = objectOf(
  {
    name: { type: 'string', description: 'The environment.' },
    state: nullable({
      type: 'string',
      enum: [...TRACK_STATES],
      description:
        "The scheduler's latest judgement: `new` (nothing counted yet), `ok`, `late` (a slot passed, its margin has not), `missed`, `timeout`, `error`, `paused`. Null until the scheduler published one.",
    }),
    dateStateChanged: nullable({ ...ISO_DATE_TIME, description: 'Event time of the latest state change.' }),
    isMuted: { type: 'boolean', description: "The environment is muted (the monitor's own mute is on the monitor)." },
    openIssueId: nullable({ ...UUID, description: 'The issue open for this environment.' }),
    lastCheckIn: nullable({ ...ISO_DATE_TIME, description: 'When the latest run a client checked in for began.' }),
    lastCheckInRun: nullable(
      objectOf(
        {
          id: { type: 'string' },
          status: { type: 'string', enum: ['in_progress', 'ok', 'error', 'missed', 'timeout'] },
          duration: nullable({ type: 'integer', minimum: 0, description: 'Milliseconds.' }),
          dateCreated: ISO_DATE_TIME,
          dateUpdated: ISO_DATE_TIME,
        },
        ['id', 'status', 'duration', 'dateCreated', 'dateUpdated'],
        'The latest run a client checked in for.',
      ),
    ),
    nextCheckIn: nullable({
      ...ISO_DATE_TIME,
      description: 'The next slot expected (in the past while the track is late). Null when nothing is expected: new, paused or disabled.',
    }),
    nextCheckInLatest: nullable({ ...ISO_DATE_TIME, description: 'When that slot is missed: nextCheckIn plus the check-in margin.' }),
    timezone: { type: 'string', description: "The monitor's time zone, which nextScheduled is written in." },
    nextScheduled: arrayOf(
      { type: 'string', format: 'date-time' },
      "The next five scheduled times after now, with the offset of the monitor's time zone. An interval schedule counts from its last check-in: empty before the first.",
    ),
  },
  [
    'name',
    'state',
    'dateStateChanged',
    'isMuted',
    'openIssueId',
    'lastCheckIn',
    'lastCheckInRun',
    'nextCheckIn',
    'nextCheckInLatest',
    'timezone',
    'nextScheduled',
  ],
);
