-- Every state change of a monitor-environment the scheduler published (vigil.monitor-states.v1): the API reads
-- the current state as the latest change per environment, ordered by event time and then by the Kafka offset
-- (one track is one partition, and two changes can share an event time: a miss and the check-in after it).
-- A change delivered twice is the same event_id at the same time: ReplacingMergeTree folds it on merge, and
-- reads that take the latest change are right before any merge.
CREATE TABLE IF NOT EXISTS monitor_states
(
    event_id String,
    organization_id String,
    project_id UInt64,
    monitor_id String,
    environment String,
    from_state Enum8('new' = 1, 'ok' = 2, 'late' = 3, 'missed' = 4, 'timeout' = 5, 'error' = 6, 'paused' = 7),
    to_state Enum8('new' = 1, 'ok' = 2, 'late' = 3, 'missed' = 4, 'timeout' = 5, 'error' = 6, 'paused' = 7),
    at DateTime('UTC'),
    at_ms UInt64,
    kafka_offset UInt64,
    inserted_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(at)
ORDER BY (project_id, monitor_id, environment, at_ms, event_id);
