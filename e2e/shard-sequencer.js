// How `make test` splits the end-to-end tier into shards that run at once (jest --shard=i/n, each shard on a test
// slot of its own). Jest's own split hashes the paths, which can put the three slowest specs in one shard; this one
// deals specs out by their measured duration (longest first, each to the shard with the least so far), and keeps
// the browser specs together so that two Chromiums never compete for the two cores. Within a shard, jest's default
// order applies. A spec missing from the table counts as DEFAULT_SECONDS: add a new slow spec here.
const Sequencer = require('@jest/test-sequencer').default;
const { basename } = require('node:path');

// Seconds each spec took in a full `make test` (docs/architecture.md says how the tiers run); a group runs in one shard.
const SECONDS = {
  'dashboard.e2e-spec.ts': 240,
  'dashboard-pages.e2e-spec.ts': 150,
  'healthchecks-api.e2e-spec.ts': 180,
  'self-heartbeat.e2e-spec.ts': 150,
  'consumer-outages.e2e-spec.ts': 120,
  'outage-guard.e2e-spec.ts': 60,
  'scheduler-scenarios.e2e-spec.ts': 50,
  'ingest-edges.e2e-spec.ts': 35,
  'notifier.e2e-spec.ts': 25,
  'vigil-reads.e2e-spec.ts': 21,
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
