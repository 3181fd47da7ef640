import { Zone } from './zone';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * An instant as an RFC 3339 date-time in a time zone, with the zone's offset at that instant
 * (`2026-03-29T03:00:00+02:00`). Offsets come from the same tables the schedule engine reads wall times
 * with. A historical offset with seconds (local mean time, before 1970) is cut to whole minutes, and the
 * wall time shown with it, so the string always names the same instant.
 */
export function isoInZone(epochMs: number, timezone: string): string {
  const offsetMinutes = Math.trunc(Zone.get(timezone).offsetAt(epochMs) / 60_000);
  const wall = new Date(epochMs + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  const millis = wall.getUTCMilliseconds();
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}${millis === 0 ? '' : `.${pad(millis, 3)}`}` +
    `${sign}${pad(Math.floor(magnitude / 60))}:${pad(magnitude % 60)}`
  );
}
