-- requires ClickHouse 20.3
-- What current ClickHouse does better, for servers that have it (CURRENT_CLICKHOUSE in server-version.ts; 18.16
-- skips this file, and the first migration run after an upgrade applies it). Every query reads the same columns
-- with the same answers; only how they are stored changes:
-- - LowCardinality(String) for the columns with few distinct values (environments, slugs, releases): a
--   dictionary per part, so they take a few bits a row and filters on them compare numbers.
-- - Codecs: Delta then ZSTD on the time columns (rows arrive in time order per monitor, so the deltas are
--   small), ZSTD on the text a client sent (ping bodies, rejected payloads, error details).
-- Not DateTime64: `received_at` and `at` hold seconds, as their range filters (`received_at >= toDateTime(...)`)
-- are written for, and the milliseconds are in `received_at_ms` / `at_ms` on every server; a DateTime64 key
-- column would change those filters' boundaries and cannot be altered into a key anyway.
-- Retention (TTL) is set by history's retention job, from VIGIL_RETENTION_DAYS, not here (docs/clickhouse.md).
-- On a large existing table each MODIFY COLUMN of a type rewrites that column in the background (a mutation).
ALTER TABLE checkins
    MODIFY COLUMN environment LowCardinality(String),
    MODIFY COLUMN monitor_slug LowCardinality(String),
    MODIFY COLUMN release LowCardinality(String),
    MODIFY COLUMN received_at DateTime('UTC') CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN received_at_ms UInt64 CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN inserted_at DateTime('UTC') DEFAULT now() CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN body String CODEC(ZSTD(3));
ALTER TABLE processing_errors
    MODIFY COLUMN environment LowCardinality(String),
    MODIFY COLUMN monitor_slug LowCardinality(String),
    MODIFY COLUMN received_at DateTime('UTC') CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN received_at_ms UInt64 CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN errors String CODEC(ZSTD(3)),
    MODIFY COLUMN payload String CODEC(ZSTD(3));
ALTER TABLE monitor_states
    MODIFY COLUMN environment LowCardinality(String),
    MODIFY COLUMN at DateTime('UTC') CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN at_ms UInt64 CODEC(Delta, ZSTD(1));
