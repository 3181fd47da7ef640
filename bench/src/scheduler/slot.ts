/**
 * Imported first by the scheduler bench: its topics are test slot 8's (prefix `test8.`, and below that a
 * prefix of each run's own), so it never touches what `make up` runs, a test run in slot 0, or the ingest
 * bench in slot 9. Must run before @vigil/testing is loaded (it reads the slot once).
 */
process.env['VIGIL_TEST_SLOT'] = process.env['VIGIL_BENCH_SCHEDULER_TEST_SLOT'] ?? '8';
