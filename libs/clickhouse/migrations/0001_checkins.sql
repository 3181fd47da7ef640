-- One row per check-in signal (a start, a finish, a scheduler-derived miss or timeout).
-- A run's current state is the argMax over its rows by received_at_ms, so a redelivered Kafka message
-- never changes an answer; ReplacingMergeTree also folds exact repeats (same event_id) away on merge.
-- Works on ClickHouse 18.16 and current releases. Current servers get LowCardinality and codecs from 0008 and a
-- TTL from history's retention job; see docs/clickhouse.md.
CREATE TABLE IF NOT EXISTS checkins
(
    event_id String,
    checkin_id String,
    organization_id String,
    project_id UInt64,
    monitor_id String,
    monitor_slug String,
    environment String,
    status Enum8('in_progress' = 1, 'ok' = 2, 'error' = 3, 'missed' = 4, 'timeout' = 5),
    duration_ms Nullable(UInt64),
    received_at DateTime('UTC'),
    received_at_ms UInt64,
    release String,
    trace_id String,
    source Enum8('sentry_envelope' = 1, 'sentry_cron' = 2, 'ping' = 3, 'scheduler' = 4),
    inserted_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(received_at)
ORDER BY (project_id, monitor_id, environment, received_at, event_id);
