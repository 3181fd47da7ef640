import { latencyOf } from '../support/load';
import { machineLine, type Machine } from '../support/machine';
import { markdownTable } from '../support/markdown';
import type { Lag } from './consumer-lag';
import type { HistoryCheck } from './history-check';
import { LOADED_MARGIN_MINUTES, SCHEDULE, SILENT_MARGIN_MINUTES } from './population';
import type { Reading } from './processes';
import type { StepLoad } from './protocol';
import type { VisibilityResult } from './visibility';

export interface Options {
  steps: number[];
  stepSeconds: number;
  monitors: number;
  silent: number;
  runSeconds: number;
  connections: number;
  sampleEvery: number;
  pollMs: number;
  visibilityTimeoutSec: number;
  settleTimeoutSec: number;
  p99LimitMs: number;
  idleSeconds: number;
  quietPercent: number;
  quietWaitSec: number;
  logLevel: string;
  write: boolean;
}

export interface StepReport {
  load: StepLoad;
  /** Process readings at the step's start, when its last check-in was answered, and once it settled. */
  before: Reading;
  atEnd: Reading;
  settled: Reading;
  /** The machine's CPU use in the 3 s before the step (the bench waits for it to be quiet), % of all cores. */
  busyBefore: number;
  /** The machine's CPU use from the step's start to its last answer, % of all cores. */
  machinePercent: number;
  loadBefore: number[];
  loadAtEnd: number[];
  lagAtEnd: Lag[];
  history: HistoryCheck;
  /** From the last answer until ClickHouse held every accepted check-in (or the timeout). */
  historyMs: number;
  /** From the last answer until the consumers caught up (or the timeout). */
  settleMs: number;
  visibility: VisibilityResult;
  webhooks: Record<string, number>;
}

export interface Report {
  machine: Machine;
  date: string;
  options: Options;
  processNames: string[];
  /** The last this many processes are the bench's own, left out of the totals. */
  harness: number;
  createMs: number;
  loaded: number;
  silent: number;
  idle: { from: Reading; to: Reading; busyBefore: number };
  steps: StepReport[];
  caughtUpLag: number;
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const ms = (value: number) => fmt(value, value < 10 ? 2 : 1);
const sec = (value: number) => fmt(value / 1000, 2);
const loads = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(' / ');

function achieved(load: StepLoad): number {
  return load.ok / ((load.lastAnswerAt - load.firstScheduledAt) / 1000);
}

function offered(load: StepLoad): number {
  return load.scheduled / load.scheduleSeconds;
}

/** CPU microseconds per accepted check-in of each process, from the step's start until it settled. */
function cpuPerCheckin(step: StepReport): number[] {
  return step.before.cpu.map((from, index) => (((step.settled.cpu[index] ?? Number.NaN) - from) / Math.max(1, step.load.ok)) * 1e6);
}

function historyCell(check: HistoryCheck): string {
  const problems = [
    check.missing > 0 ? `**${fmt(check.missing)} missing**` : '',
    check.duplicated > 0 ? `**${fmt(check.duplicated)} duplicated**` : '',
    check.unexpected > 0 ? `${fmt(check.unexpected)} unexpected rows` : '',
  ].filter((part) => part !== '');
  return `${fmt(check.exactlyOnce)} of ${fmt(check.accepted)}${problems.length > 0 ? ` (${problems.join(', ')})` : ' ✓'}`;
}

function visibilityCell(result: VisibilityResult): string {
  const latency = latencyOf(Float64Array.from(result.visibleMs));
  const missing = result.notVisible > 0 ? `, **${result.notVisible} not within the timeout**` : '';
  return `${sec(latency.p50)} / ${sec(latency.p99)} (${fmt(result.visibleMs.length)} of ${fmt(result.sampled)}${missing})`;
}

export function renderReport(report: Report): string {
  const { options, steps } = report;
  const vigilOnly = (values: readonly number[]) => values.slice(0, report.processNames.length - report.harness);
  const idleSeconds = (report.idle.to.at - report.idle.from.at) / 1000;
  const idlePercent = report.idle.from.cpu.map((from, index) => (((report.idle.to.cpu[index] ?? Number.NaN) - from) / idleSeconds) * 100);

  const stepTable = markdownTable(
    [
      { title: 'step' },
      { title: 'offered/s', align: 'right' },
      { title: 'achieved/s', align: 'right' },
      { title: 'accepted', align: 'right' },
      { title: 'refused or failed', align: 'right' },
      { title: 'ingest p50 ms', align: 'right' },
      { title: 'ingest p99 ms', align: 'right' },
      { title: 'p99 pings / envelopes ms', align: 'right' },
      { title: `over ${fmt(options.p99LimitMs)} ms (worst second)`, align: 'right' },
      { title: 'visibility p50 / p99 s (seen of sampled)', align: 'right' },
      { title: 'in ClickHouse exactly once' },
      { title: 'CPU µs per check-in, Vigil and its stores', align: 'right' },
      { title: 'machine CPU', align: 'right' },
      { title: 'load average at the end', align: 'right' },
    ],
    steps.map((step, index) => {
      const { load } = step;
      const total = vigilOnly(cpuPerCheckin(step)).reduce((sum, value) => sum + value, 0);
      return [
        String(index + 1),
        fmt(offered(load)),
        fmt(achieved(load)),
        fmt(load.ok),
        fmt(load.non2xx + load.errors),
        ms(load.latency.p50),
        ms(load.latency.p99),
        `${ms(load.latencyPing.p99)} / ${ms(load.latencyEnvelope.p99)}`,
        `${fmt(load.slow)} (${fmt(load.worstSecond.slow)} in s ${fmt(load.worstSecond.second)})`,
        visibilityCell(step.visibility),
        historyCell(step.history),
        fmt(total),
        `${fmt(step.machinePercent)} %`,
        loads(step.loadAtEnd),
      ];
    }),
  );

  const stepTitles = steps.map((step, index) => ({ title: `step ${index + 1} (${fmt(step.load.rate)}/s)`, align: 'right' as const }));
  const perCheckin = steps.map(cpuPerCheckin);
  const cpuRow = (process: number) => [
    report.processNames[process] ?? '?',
    `${fmt(idlePercent[process] ?? Number.NaN, 1)} %`,
    ...perCheckin.map((values) => fmt(values[process] ?? Number.NaN)),
  ];
  const vigilCount = report.processNames.length - report.harness;
  const cpuRows = Array.from({ length: vigilCount }, (_, process) => cpuRow(process));
  const totals = perCheckin.map((values) => vigilOnly(values).reduce((sum, value) => sum + value, 0));
  const idleTotal = vigilOnly(idlePercent).reduce((sum, value) => sum + value, 0);
  cpuRows.push(['**all of Vigil and its stores**', `${fmt(idleTotal, 1)} %`, ...totals.map((value) => `**${fmt(value)}**`)]);
  // The background each step would have cost with no load at all, spread over its check-ins.
  const netOfIdle = steps.map((step, index) => {
    const seconds = (step.settled.at - step.before.at) / 1000;
    return (totals[index] ?? Number.NaN) - ((idleTotal / 100) * seconds * 1e6) / Math.max(1, step.load.ok);
  });
  cpuRows.push(['all, less the idle background', '', ...netOfIdle.map((value) => fmt(value))]);
  for (let process = vigilCount; process < report.processNames.length; process++) {
    const [name, ...cells] = cpuRow(process);
    cpuRows.push([`${name} (not counted)`, ...cells]);
  }
  const cpuTable = markdownTable([{ title: 'process' }, { title: 'idle (% of a core)', align: 'right' }, ...stepTitles], cpuRows);

  const memoryTable = markdownTable(
    [{ title: 'process' }, ...stepTitles],
    report.processNames.map((name, process) => [
      name,
      ...steps.map((step) => `${fmt(step.before.memoryMiB[process] ?? Number.NaN)} → ${fmt(step.atEnd.memoryMiB[process] ?? Number.NaN)}`),
    ]),
  );

  const lagKeys = [...new Set(steps.flatMap((step) => step.lagAtEnd.map((lag) => `${lag.service}|${lag.topic}`)))].sort();
  const lagTable = markdownTable(
    [{ title: 'consumer group (service)' }, { title: 'topic' }, ...stepTitles],
    lagKeys.map((key) => {
      const [service = '', topic = ''] = key.split('|');
      return [
        service,
        `\`${topic}\``,
        ...steps.map((step) => {
          const lag = step.lagAtEnd.find((entry) => entry.service === service && entry.topic === topic);
          return lag ? fmt(lag.messages) : 'n/a';
        }),
      ];
    }),
  );

  const settleLines = steps.map((step, index) => {
    const webhooks = Object.entries(step.webhooks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, count]) => `${fmt(count)} ${type}`)
      .join(', ');
    return (
      `Step ${index + 1}: ${fmt(step.load.runs)} runs (${fmt(step.load.failuresSent)} failing); ClickHouse held every accepted check-in ${sec(step.historyMs)} s after the last answer, ` +
      `the consumers were within ${fmt(report.caughtUpLag)} messages of the end ${sec(step.settleMs)} s after it${step.history.caughtUp ? '' : ' (**not caught up within the timeout**)'}; ` +
      `${fmt(step.visibility.requests)} API requests by the visibility poller; webhooks received: ${webhooks || 'none'}; ` +
      `the machine ${fmt(step.busyBefore)} % busy in the 3 s before the step, load average ${loads(step.loadBefore)} at its start.`
    );
  });

  const lastStep = steps[steps.length - 1];
  const stopped =
    lastStep === undefined
      ? 'No step ran.'
      : lastStep.load.non2xx + lastStep.load.errors + lastStep.history.missing > 0
        ? `The run stopped after step ${steps.length}: check-ins were lost or refused.`
        : lastStep.load.latency.p99 > options.p99LimitMs
          ? `The run stopped after step ${steps.length}: ingest's p99 passed ${options.p99LimitMs} ms.`
          : 'Every step ran without passing the p99 limit or losing a check-in.';

  return [
    '## Pipeline: `npm run bench:pipeline`',
    '',
    `Measured ${report.date} on ${machineLine(report.machine)}. Load average (1/5/15 min) before the first step: ${loads(steps[0]?.loadBefore ?? [])}.`,
    '',
    `Every service runs as a real process from its build output with its default settings (\`VIGIL_LOG_LEVEL=${options.logLevel}\`), on test slot 9's stores, reset at the start; ` +
      `Kafka, Postgres and ClickHouse are the local stack's, on the same machine, so everything shares its ${report.machine.cores} cores with whatever else runs there. ` +
      `${fmt(report.loaded + report.silent)} monitors, all \`${SCHEDULE}\` in UTC: half Sentry monitors, each created by an envelope whose \`ok\` check-in carries \`monitor_config\`, half Healthchecks checks created through the Management API v3 (\`POST /api/v3/checks/\`) and pinged once (${sec(report.createMs)} s for all). ` +
      `${fmt(report.loaded)} of them take the load (margin ${LOADED_MARGIN_MINUTES} min); ${fmt(report.silent)} (margin ${SILENT_MARGIN_MINUTES} min, half of each kind) never check in again and miss every minute, so the scheduler, the issues service and the notifier have work. ` +
      'One webhook integration and one project-wide alert rule, created through the API, point at a loopback receiver in the bench process.',
    '',
    `The load generator is a process of its own: open loop, check-in n of a step leaves at n / rate whatever ingest does, over at most ${options.connections} keep-alive connections, and latency counts from the scheduled send time. ` +
      `Each job run is a start and a finish ${fmt(options.runSeconds)} s later with the same id (\`in_progress\` then \`ok\` in a Sentry envelope with one \`check_in_id\`; \`/ping/<uuid>/start?rid=\` then \`/ping/<uuid>?rid=\`), run r on loaded monitor r mod ${fmt(report.loaded)} (Sentry and ping alternating), ` +
      'about 1 % of the finishes failures (`error`, `/fail`); a finish waits for its start to be answered. ' +
      `A slot of the schedule carries the finish of the oldest open run once it is due, else a new start, so starts and finishes alternate in blocks of ${fmt(options.runSeconds)} s (all starts, then all finishes) at a constant rate; runs still open after the last slot finish at their due time. ` +
      '"offered" is the check-ins scheduled over the schedule\'s span, "achieved" the 2xx answers over the time from the first scheduled send to the last answer. ' +
      `Steps of ${fmt(options.stepSeconds)} s at ${options.steps.map((rate) => fmt(rate)).join(', ')} check-ins/s, stopping after a step whose ingest p99 passed ${options.p99LimitMs} ms or that lost a check-in.`,
    '',
    `**Visibility** is the time from ingest's 2xx answer until the check-in is readable through the API, for one accepted check-in in ${fmt(options.sampleEvery)}: the bench asks \`GET /api/0/organizations/<org>/monitors/<slug>/checkins/\` about each monitor with sampled check-ins outstanding at most every ${fmt(options.pollMs)} ms (4 requests in flight at most) until the run is listed (a start) or closed (a finish); ` +
      `the time is taken when that answer arrives (late by up to one interval plus the request), and a sample not shown within ${fmt(options.visibilityTimeoutSec)} s counts as not visible. These requests are part of the api's and ClickHouse's CPU below. ` +
      "**In ClickHouse exactly once**: after each step, the rows of the `checkins` table whose `checkin_id` is one of the step's (each run's id names the bench run and the step) are counted by `checkin_id` and `status`, without `FINAL`; every accepted start must be one `in_progress` row and every accepted finish one `ok` or `error` row, as sent.",
    '',
    '### Per step',
    '',
    stepTable,
    '',
    stopped,
    '',
    `### CPU per accepted check-in (µs), by process`,
    '',
    `CPU time (user + system, from /proc) from the step's start until ClickHouse held its check-ins and the consumers had caught up, divided by the check-ins accepted in the step. ` +
      `Postgres is the postmaster, every process it forked (backends, checkpointer, WAL writer, autovacuum) and what its exited children used; the stores serve the whole machine, so other work on them counts too. ` +
      `"idle" is each process's use over ${fmt(options.idleSeconds)} s with the services running and no load, before the first step (clock pulses, polls, neighbours; the machine was ${fmt(report.idle.busyBefore)} % busy just before); the "all, less" row takes that background out. The bench's own processes (the load generator; the bench process, which polls the API, receives the webhooks and counts) are shown last and left out of the totals. ` +
      `Before the idle measurement and each step the bench waits up to ${fmt(options.quietWaitSec)} s for the machine's CPU use to stay under ${fmt(options.quietPercent)} % for 3 s.`,
    '',
    cpuTable,
    '',
    '### Resident memory (MiB) at the start and the end of each step',
    '',
    'VmRSS, except Postgres: the proportional set size (Pss) summed over its processes, so shared buffers count once.',
    '',
    memoryTable,
    '',
    '### Consumer lag at the end of each step',
    '',
    "Each consuming service's group, read from the broker when the step's last check-in was answered (as `vigil_consumer_lag_messages` and the self-heartbeat read it: messages the group has not processed, the end of each partition minus the committed offset, summed per topic).",
    '',
    lagTable,
    '',
    ...settleLines.flatMap((line) => [line, '']),
  ]
    .join('\n')
    .trim();
}
