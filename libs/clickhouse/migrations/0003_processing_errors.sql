-- Check-ins ingest rejected where the client never reads the answer (SDK envelopes) or dropped by a rate
-- limit, as the API shows them (newest first, per project or monitor slug). `errors` is the JSON array of
-- {code, field, message}; `error_codes` repeats the codes for filtering. ReplacingMergeTree folds a
-- redelivered message (same error_id) away on merge. Retention: history's job (a TTL on current servers, monthly partitions dropped on 18.16).
CREATE TABLE IF NOT EXISTS processing_errors
(
    error_id String,
    organization_id String,
    project_id UInt64,
    monitor_slug String,
    environment String,
    source Enum8('sentry_envelope' = 1, 'sentry_cron' = 2, 'ping' = 3),
    error_codes Array(String),
    errors String,
    payload String,
    received_at DateTime('UTC'),
    received_at_ms UInt64,
    inserted_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(received_at)
ORDER BY (project_id, received_at, error_id);
