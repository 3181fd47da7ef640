-- Healthchecks signals: `log` pings (a message, no state change), the exit status of /<code> pings, the body a
-- job posted (cut to VIGIL_PING_BODY_LIMIT), and who sent the check-in. Adding an Enum8 value is a metadata
-- change on 18.16 and on current releases; the ADD COLUMNs are one statement so they land together.
ALTER TABLE checkins MODIFY COLUMN status Enum8('in_progress' = 1, 'ok' = 2, 'error' = 3, 'missed' = 4, 'timeout' = 5, 'log' = 6);
ALTER TABLE checkins ADD COLUMN exit_status Nullable(UInt8), ADD COLUMN body String, ADD COLUMN remote_addr String, ADD COLUMN user_agent String;
