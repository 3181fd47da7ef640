-- The scheduler's state changes (vigil.monitor-states.v1) as history: a monitor-environment's current state is
-- the argMax of to_state by at_ms, and its flips (Healthchecks' up/down changes) are the rows whose from/to fall
-- in different groups. ReplacingMergeTree folds a redelivered change (same event_id) away on merge; reads take
-- one row per event_id (LIMIT 1 BY, or a GROUP BY) so an unmerged repeat never shows twice. 18.16 and current.
CREATE TABLE IF NOT EXISTS monitor_states
(
    event_id String,
    organization_id String,
    project_id UInt64,
    monitor_id String,
    monitor_slug String,
    environment String,
    from_state Enum8('new' = 1, 'ok' = 2, 'late' = 3, 'missed' = 4, 'timeout' = 5, 'error' = 6, 'paused' = 7),
    to_state Enum8('new' = 1, 'ok' = 2, 'late' = 3, 'missed' = 4, 'timeout' = 5, 'error' = 6, 'paused' = 7),
    at DateTime('UTC'),
    at_ms UInt64,
    inserted_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(at)
ORDER BY (project_id, monitor_id, environment, at_ms, event_id);
