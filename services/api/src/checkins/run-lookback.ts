/**
 * How far before a window of time the API reads the signals of the runs that continue into it, to date and fold
 * them (the monitors list's states and timelines, decision 0024). A day, not the four weeks a run may stay open
 * (`MAX_OPEN_RUN_AGE_MS`): for a list of monitors, reading four weeks more was most of the dashboard's time
 * (docs/benchmarks.md, bench:web). A run that had a signal more than a day before the window and none in that day
 * (open for days, or closed late after its timeout) is seen from its signals since then.
 */
export const RUN_LOOKBACK_MS = 24 * 3600 * 1000;
