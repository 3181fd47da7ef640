import { displayStatus, FAILING, statusRank, worstStatus, type DisplayStatus, type StateFilter } from '../monitor-environments/display-status';
import type { EnvironmentFacts } from '../monitor-environments/monitor-environment.repository';
import type { MonitorKey } from './monitor-read.repository';
import { sentryEnvironmentStatus } from './monitor.presenter';

/** The monitors of a list ordered and counted by status (`sort=status`, `state`): all of them, then one page is shown. */
export interface MonitorsByStatus {
  monitors: MonitorKey[];
  /** How many of them are failing (their worst environment is error, timeout or missed). */
  failing: number;
}

/**
 * Monitors (in the list's order by name) failing first: by their worst environment's status as the dashboard
 * shows it (`displayStatus`, from each environment's state and newest run in `facts`), in the order of
 * DISPLAY_STATUSES, keeping the order by name within a status; only those with an environment in one of `states`
 * when given (a monitor without environments by its own status). Pure: `statusesOf` read the facts.
 */
export function orderByStatus(
  monitors: readonly MonitorKey[],
  facts: ReadonlyMap<string, ReadonlyMap<string, EnvironmentFacts>>,
  states: readonly StateFilter[] | null,
): MonitorsByStatus {
  const wanted = states === null ? null : new Set(states);
  const matches = (status: DisplayStatus): boolean => wanted === null || wanted.has(status) || (wanted.has('failing') && FAILING.has(status));
  const ranked: Array<{ monitor: MonitorKey; rank: number }> = [];
  let failing = 0;
  for (const monitor of monitors) {
    const statuses = [...(facts.get(monitor.id)?.values() ?? [])].map((environment) =>
      displayStatus(monitor.status, {
        status: sentryEnvironmentStatus(monitor.status, { state: environment.state?.state ?? null, lastCheckIn: environment.runs[0] ?? null }),
        vigilState: environment.state?.state ?? null,
        lastCheckInStatus: environment.runs[0]?.status ?? null,
      }),
    );
    const worst = worstStatus(monitor.status, statuses);
    if (!(statuses.length === 0 ? matches(worst) : statuses.some(matches))) continue;
    if (FAILING.has(worst)) failing += 1;
    ranked.push({ monitor, rank: statusRank(worst) });
  }
  // A stable sort: within a status, the order by name, slug, project and id.
  ranked.sort((a, b) => a.rank - b.rank);
  return { monitors: ranked.map((entry) => entry.monitor), failing };
}
