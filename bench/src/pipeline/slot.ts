/**
 * Imported first by the bench: its stores, topics and ports are test slot 9's (or VIGIL_BENCH_TEST_SLOT's), so it
 * never touches what `make up` runs nor a test run in slot 0. Must run before @vigil/testing is loaded (it reads
 * the slot once).
 */
process.env['VIGIL_TEST_SLOT'] = process.env['VIGIL_BENCH_TEST_SLOT'] ?? '9';
