/**
 * Imported first by the Kafka producer bench: its topics are test slot 7's (prefix `test7.`, and below that a
 * prefix of each run's own). Must run before @vigil/testing is loaded (it reads the slot once).
 */
process.env['VIGIL_TEST_SLOT'] = process.env['VIGIL_BENCH_KAFKA_TEST_SLOT'] ?? '7';
