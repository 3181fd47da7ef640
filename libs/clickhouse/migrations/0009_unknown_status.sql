-- The outage guard (decision 0023): a miss whose window overlapped an outage of Vigil's own pipeline is recorded
-- as `unknown` (vigil.monitor-events.v1 kind `unknown`), a run of its own like a miss, neither a failure nor a
-- success. Adding an Enum8 value at the end is a metadata change on 18.16 and on current releases (0008 leaves
-- `status` an Enum8). Only `checkins` holds a check-in status: `monitor_states` holds track states, which an
-- unknown does not change.
ALTER TABLE checkins MODIFY COLUMN status Enum8('in_progress' = 1, 'ok' = 2, 'error' = 3, 'missed' = 4, 'timeout' = 5, 'log' = 6, 'ign' = 7, 'unknown' = 8);
