-- Healthchecks conformance (#18): `ign`, a ping to a paused check with manual_resume (recorded and counted,
-- changing nothing), and whether the client named the run (`run_match`: a Healthchecks rid or a Sentry
-- check_in_id, `exact`; none, `latest_open`), which Healthchecks' pings list shows (`rid` null) and its
-- durations need (a ping without rid closing a run started with one records no duration). Rows from before
-- read `exact`. Adding an Enum8 value and a column with a default are metadata changes on 18.16 and current
-- releases.
ALTER TABLE checkins MODIFY COLUMN status Enum8('in_progress' = 1, 'ok' = 2, 'error' = 3, 'missed' = 4, 'timeout' = 5, 'log' = 6, 'ign' = 7);
ALTER TABLE checkins ADD COLUMN run_match Enum8('exact' = 1, 'latest_open' = 2) DEFAULT 'exact';
