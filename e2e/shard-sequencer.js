// How `make test` splits the end-to-end tier into shards that run at once (jest --shard=i/n, each shard on a test
// slot of its own). Jest's own split hashes the paths, which can put the three slowest specs in one shard; this one
// deals specs out by their measured duration (longest first, each to the shard with the least so far), and keeps
// the browser specs together so that two Chromiums never compete for the two cores. Within a shard, jest's default
// order applies. A spec missing from the table counts as DEFAULT_SECONDS: add a new slow spec here.
const Sequencer = require('@jest/test-sequencer').default;
const { basename } = require('node:path');

// Seconds each spec took in `make test` with the two shards running at once (2026-12-07, 2 cores; docs/architecture.md
// says how the tiers run). A group runs in one shard.
const SECONDS = {
  'dashboard.e2e-spec.ts': 165,
  'healthchecks-api.e2e-spec.ts': 165,
  'dashboard-pages.e2e-spec.ts': 174,
  'consumer-outages.e2e-spec.ts': 117,
  'api-fuzz.e2e-spec.ts': 108,
  'self-heartbeat.e2e-spec.ts': 92,
  'metrics-scrape.e2e-spec.ts': 82,
  'ingest-edges.e2e-spec.ts': 75,
  'monitors-api.e2e-spec.ts': 63,
  'scheduler-scenarios.e2e-spec.ts': 63,
  'sentry-node-ordering.e2e-spec.ts': 56,
  'monitor-environment-drop.e2e-spec.ts': 44,
  'outage-guard.e2e-spec.ts': 38,
  'notifier.e2e-spec.ts': 35,
  'scheduler.e2e-spec.ts': 34,
  'sentry-node.e2e-spec.ts': 34,
  'sentry-python.e2e-spec.ts': 34,
  'healthchecks-conformance.e2e-spec.ts': 33,
  'monitor-changes.e2e-spec.ts': 32,
  'walking-skeleton.e2e-spec.ts': 31,
  'vigil-reads.e2e-spec.ts': 30,
  'curl-sentry-cron.e2e-spec.ts': 27,
  'sentry-go.e2e-spec.ts': 25,
  'issues.e2e-spec.ts': 23,
  'management-api.e2e-spec.ts': 22,
  'alert-chain.e2e-spec.ts': 22,
  'local-supervision.e2e-spec.ts': 22,
  'access-control.e2e-spec.ts': 21,
  'curl-ping.e2e-spec.ts': 21,
  'sentry-cli.e2e-spec.ts': 21,
  'credentials-at-ingest.e2e-spec.ts': 19,
  'runitor.e2e-spec.ts': 18,
  'refusal-logging.e2e-spec.ts': 11,
  'retention.e2e-spec.ts': 10,
};
const GROUPS = [['dashboard.e2e-spec.ts', 'dashboard-pages.e2e-spec.ts']];
const DEFAULT_SECONDS = 40;

const groupOf = (name) => GROUPS.find((group) => group.includes(name))?.join('+') ?? name;

class ShardByDuration extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    const units = new Map();
    for (const test of tests) {
      const name = basename(test.path);
      const key = groupOf(name);
      const unit = units.get(key) ?? { key, seconds: 0 };
      unit.seconds += SECONDS[name] ?? DEFAULT_SECONDS;
      units.set(key, unit);
    }
    const loads = new Array(shardCount).fill(0);
    const shardOf = new Map();
    for (const unit of [...units.values()].sort((a, b) => b.seconds - a.seconds || a.key.localeCompare(b.key))) {
      const least = loads.indexOf(Math.min(...loads));
      loads[least] += unit.seconds;
      shardOf.set(unit.key, least + 1);
    }
    return tests.filter((test) => shardOf.get(groupOf(basename(test.path))) === shardIndex);
  }
}

module.exports = ShardByDuration;
