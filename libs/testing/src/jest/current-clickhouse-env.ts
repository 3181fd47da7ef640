import { chdbUrl } from '../chdb/chdb-server';

// Each test file of the `integration-clickhouse-current` project (and every service it starts) talks to the chdb
// server current-clickhouse-setup.ts started: jest gives each test file its own copy of process.env.
process.env['VIGIL_CLICKHOUSE_URL'] = chdbUrl();
process.env['VIGIL_TEST_CLICKHOUSE'] = 'current';
