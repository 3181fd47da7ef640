import { isIP } from 'node:net';
import { IsIn, IsInt, IsString, IsUrl, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { ConfigVariable } from './config-variable.decorator';

const PORT = [IsInt(), Min(1), Max(65535)] as const;
function Port(): PropertyDecorator {
  return (target, key) => PORT.forEach((decorate) => decorate(target, key));
}

/** An address or a CIDR range: `10.0.0.0/8`, `::1`, `fd00::/8` (prefix at most 32 for IPv4, 128 for IPv6). */
function isCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** A comma-separated list of addresses or CIDR ranges; empty entries and spaces around entries are ignored. */
function IsCidrList(): PropertyDecorator {
  return ValidateBy({
    name: 'isCidrList',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        value
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== '')
          .every(isCidr),
      defaultMessage: () => 'must be a comma-separated list of IP addresses or CIDR ranges (prefix at most 32 for IPv4, 128 for IPv6)',
    },
  });
}

/**
 * Every environment variable any Vigil service reads, with its rule and its default.
 * Defaults describe the local stack that `make up` starts, so a developer sets nothing.
 */
export class VigilConfig {
  @ConfigVariable({ description: 'Minimum log level: trace, debug, info, warn, error, fatal or silent.' })
  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  VIGIL_LOG_LEVEL = 'info';

  @ConfigVariable({ description: 'Address every HTTP listener binds to.' })
  @IsString()
  @MaxLength(255)
  VIGIL_HOST = '127.0.0.1';

  @ConfigVariable({ description: 'Port of the ingest service (check-ins from SDKs and ping URLs).' })
  @Port()
  VIGIL_INGEST_PORT = 8080;

  @ConfigVariable({ description: 'Port of the management and read API.' })
  @Port()
  VIGIL_API_PORT = 8081;

  // The dashboard (served by the api service: docs/decisions/0024-dashboard-in-the-api-service.md)
  @ConfigVariable({ description: 'Dashboard: hours a session lasts after signing in, however it is used (signing out ends it sooner).' })
  @IsInt()
  @Min(1)
  @Max(8760)
  VIGIL_WEB_SESSION_HOURS = 168;

  @ConfigVariable({ description: 'Dashboard: failed sign-ins counted over this many minutes for the limits per account and per address.' })
  @IsInt()
  @Min(1)
  @Max(1440)
  VIGIL_WEB_SIGNIN_WINDOW_MINUTES = 15;

  @ConfigVariable({ description: 'Dashboard: failed sign-ins to one email address within the window before it is refused (429) until the window passes.' })
  @IsInt()
  @Min(1)
  @Max(100000)
  VIGIL_WEB_SIGNIN_FAILURES_PER_ACCOUNT = 10;

  @ConfigVariable({ description: 'Dashboard: failed sign-ins from one client address within the window before it is refused (429) until the window passes.' })
  @IsInt()
  @Min(1)
  @Max(100000)
  VIGIL_WEB_SIGNIN_FAILURES_PER_ADDRESS = 50;

  @ConfigVariable({ description: 'Dashboard: how often an open page asks whether what it shows changed, in milliseconds.' })
  @IsInt()
  @Min(500)
  @Max(60000)
  VIGIL_WEB_POLL_MS = 2500;

  @ConfigVariable({
    description:
      "Dashboard: where the Status page reaches each service, comma-separated <service>=<base URL> (ingest, api, scheduler, issues, notifier, history; ingest-metrics for ingest's /metrics listener). Each base URL answers /readyz and /metrics. A service left out is looked for at http://127.0.0.1:<its VIGIL_*_PORT> (ingest's metrics at VIGIL_INGEST_METRICS_PORT), as in the local stack.",
  })
  @Matches(
    /^$|^(ingest|ingest-metrics|api|scheduler|issues|notifier|history)=https?:\/\/[^,\s]+(,(ingest|ingest-metrics|api|scheduler|issues|notifier|history)=https?:\/\/[^,\s]+)*$/,
    {
      message:
        'must be empty or a comma-separated list of <service>=<http(s) URL> with services among ingest, ingest-metrics, api, scheduler, issues, notifier, history',
    },
  )
  VIGIL_STATUS_URLS = '';

  @ConfigVariable({ description: 'Port of the scheduler health endpoints.' })
  @Port()
  VIGIL_SCHEDULER_PORT = 8082;

  @ConfigVariable({ description: 'Port of the issues service health endpoints.' })
  @Port()
  VIGIL_ISSUES_PORT = 8083;

  @ConfigVariable({ description: 'Port of the notifier health endpoints.' })
  @Port()
  VIGIL_NOTIFIER_PORT = 8084;

  @ConfigVariable({ description: 'Port of the history writer health endpoints.' })
  @Port()
  VIGIL_HISTORY_PORT = 8085;

  @ConfigVariable({
    description:
      'Prometheus metrics: "on" serves them at /metrics on every service (ingest on VIGIL_INGEST_METRICS_PORT, the others on their own port) and counts them; "off" serves and counts nothing (the benchmark compares both).',
  })
  @IsIn(['on', 'off'])
  VIGIL_METRICS = 'on';

  @ConfigVariable({
    description: "Port of ingest's /metrics: a listener of its own, so the public check-in port (reachable by every job) does not carry it.",
  })
  @Port()
  VIGIL_INGEST_METRICS_PORT = 8090;

  @ConfigVariable({ description: 'Public base URL of ingest, used to build DSNs and ping URLs shown to users.' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VIGIL_PUBLIC_INGEST_URL = 'http://127.0.0.1:8080';

  @ConfigVariable({
    description: 'Public base URL of the API, used to build the API links it returns (update_url, pause_url and body_url of the Healthchecks-shaped API).',
  })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VIGIL_PUBLIC_API_URL = 'http://127.0.0.1:8081';

  @ConfigVariable({
    description:
      'Public base URL of Vigil as users open it in a browser: alerts link to <url>/<organization>/monitors/<monitor slug>?environment=<environment>.',
  })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VIGIL_PUBLIC_APP_URL = 'http://127.0.0.1:8081';

  @ConfigVariable({ description: 'Kafka bootstrap servers, comma-separated host:port.' })
  @Matches(/^[^,\s:]+:\d{1,5}(,[^,\s:]+:\d{1,5})*$/, { message: 'must be a comma-separated list of host:port' })
  VIGIL_KAFKA_BROKERS = '127.0.0.1:9092';

  @ConfigVariable({ description: 'Prefix put before every topic name, so several installations can share a cluster.' })
  @Matches(/^[A-Za-z0-9._-]{0,100}$/, { message: 'may hold only letters, digits, ".", "_" and "-" (at most 100)' })
  VIGIL_KAFKA_TOPIC_PREFIX = '';

  @ConfigVariable({ description: 'Postgres connection URL (configuration store).', secret: true })
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  VIGIL_POSTGRES_URL = 'postgres://vigil:vigil@127.0.0.1:5433/vigil';

  @ConfigVariable({ description: 'ClickHouse HTTP URL (check-in history).' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VIGIL_CLICKHOUSE_URL = 'http://127.0.0.1:8123';

  @ConfigVariable({ description: 'ClickHouse database holding the history tables.' })
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: 'must be a plain identifier' })
  VIGIL_CLICKHOUSE_DATABASE = 'vigil';

  @ConfigVariable({ description: 'ClickHouse user.' })
  @IsString()
  VIGIL_CLICKHOUSE_USER = 'default';

  @ConfigVariable({ description: 'ClickHouse password.', secret: true })
  @IsString()
  VIGIL_CLICKHOUSE_PASSWORD = '';

  @ConfigVariable({ description: 'Ingest: bytes of a ping request body that are stored (the rest is cut off); advertised in the Ping-Body-Limit header.' })
  @IsInt()
  @Min(0)
  @Max(1048576)
  VIGIL_PING_BODY_LIMIT = 100000;

  @ConfigVariable({
    description:
      'Ingest and the API (the dashboard): comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For (and X-Forwarded-Proto) is believed; empty means the peer address is the client address.',
  })
  @Matches(/^$|^[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*$/, { message: 'must be a comma-separated list of IP addresses or CIDR ranges' })
  VIGIL_TRUSTED_PROXIES = '';

  @ConfigVariable({ description: 'Ingest: check-ins accepted per minute for one monitor-environment, sustained (0 turns the limit off).' })
  @IsInt()
  @Min(0)
  @Max(1000000)
  VIGIL_CHECKIN_RATE_PER_MINUTE = 600;

  @ConfigVariable({ description: 'Ingest: check-ins one monitor-environment may send at once above the sustained rate.' })
  @IsInt()
  @Min(1)
  @Max(1000000)
  VIGIL_CHECKIN_RATE_BURST = 120;

  @ConfigVariable({
    description:
      'Ingest: how often the in-memory view of keys and monitors is fully re-read from Postgres, in milliseconds (changes arrive at once by LISTEN/NOTIFY).',
  })
  @IsInt()
  @Min(1000)
  @Max(3600000)
  VIGIL_INGEST_VIEW_RESYNC_MS = 300000;

  @ConfigVariable({
    description:
      'Ingest: where it keeps its snapshot of keys and monitors, to start from while Postgres is unreachable (decision 0016). Credentials in it are SHA-256 hashes; the file is 0600 and replaced atomically. Empty: <system temp dir>/vigil/ingest-<VIGIL_INGEST_PORT>.catalog; "off": no snapshot.',
  })
  @IsString()
  @MaxLength(4096)
  VIGIL_INGEST_SNAPSHOT_PATH = '';

  @ConfigVariable({
    description: 'Ingest: how often the snapshot file is rewritten when keys or monitors changed, in milliseconds (it is also written on a clean stop).',
  })
  @IsInt()
  @Min(1000)
  @Max(3600000)
  VIGIL_INGEST_SNAPSHOT_INTERVAL_MS = 30000;

  @ConfigVariable({
    description: 'Ingest: a snapshot file older than this is not used at start, in milliseconds (an ingest then waits for Postgres, answering 503).',
  })
  @IsInt()
  @Min(60000)
  VIGIL_INGEST_SNAPSHOT_MAX_AGE_MS = 604800000;

  @ConfigVariable({
    description:
      'Ingest: check_in items one envelope may carry; an envelope with more is refused whole (400, recorded as a processing error). Sentry SDKs send one.',
  })
  @IsInt()
  @Min(1)
  @Max(100000)
  VIGIL_INGEST_MAX_CHECKINS_PER_ENVELOPE = 100;

  @ConfigVariable({
    description:
      'Ingest: monitors one project may create per minute from check-ins (monitor_config upserts and ?create=1), per ingest instance, also the most at once; a check-in over it is refused with 429 and, from an envelope, recorded as a processing error (0 turns the limit off).',
  })
  @IsInt()
  @Min(0)
  @Max(1000000)
  VIGIL_INGEST_MONITOR_CREATIONS_PER_MINUTE = 600;

  @ConfigVariable({
    description:
      'Every HTTP service: the longest time to receive a whole request, headers and body, in milliseconds; a slower one is answered 408 and its connection closed.',
  })
  @IsInt()
  @Min(1000)
  @Max(600000)
  VIGIL_HTTP_REQUEST_TIMEOUT_MS = 60000;

  @ConfigVariable({
    description:
      'Scheduler: how often it writes a clock pulse into every check-ins partition, in milliseconds (0: never, for tests that write their own pulses).',
  })
  @IsInt()
  @Min(0)
  @Max(60000)
  VIGIL_SCHEDULER_PULSE_MS = 250;

  @ConfigVariable({
    description:
      "Scheduler: how far behind the wall clock a pulse is dated, in milliseconds: how far the scheduler host's clock may run ahead of an ingest host's before a check-in acknowledged just before its deadline could be judged missed (NTP keeps hosts within milliseconds). Detection lag is at most this plus VIGIL_SCHEDULER_PULSE_MS plus processing.",
  })
  @IsInt()
  @Min(0)
  @Max(600000)
  VIGIL_SCHEDULER_PULSE_LAG_MS = 500;

  @ConfigVariable({
    description:
      'Ingest: how often every ingest instance writes a beat into every check-ins partition, in milliseconds (decision 0023): the outage guard reads their silence as an outage of ingest. 0: never (then turn VIGIL_OUTAGE_GUARD off too, or every miss after the last beat is recorded as unknown).',
  })
  @IsInt()
  @Min(0)
  @Max(10000)
  VIGIL_INGEST_BEAT_MS = 1000;

  @ConfigVariable({
    description:
      "Scheduler: the outage guard (decision 0023). on: a miss whose window overlaps an outage of Vigil's own pipeline (no ingest beat for VIGIL_OUTAGE_GUARD_INGEST_SILENCE_MS, or the check-in volume collapsed against its baseline) is recorded as unknown and alerts nobody; off: every miss is a miss.",
  })
  @IsIn(['on', 'off'])
  VIGIL_OUTAGE_GUARD = 'on';

  @ConfigVariable({
    description:
      'Scheduler: event time without an ingest beat after which ingest counts as down (decision 0023), in milliseconds. Misses due in the last few seconds before it are held back until it is decided (at most this long), so it bounds the extra detection delay while ingest is in doubt.',
  })
  @IsInt()
  @Min(3000)
  @Max(300000)
  VIGIL_OUTAGE_GUARD_INGEST_SILENCE_MS = 10000;

  @ConfigVariable({
    description:
      'Scheduler: a clock pulse dated further than this ahead of its host clock is skipped (a producer with a wrong clock must not make every monitor miss years of slots), in milliseconds.',
  })
  @IsInt()
  @Min(60000)
  VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS = 3600000;

  @ConfigVariable({
    description:
      "Scheduler: event time a Sentry check-in for a slug ingest did not know waits for its monitor to be created (by a check-in with monitor_config on its way through another connection, as withMonitor sends them), in milliseconds; then it is recorded as the processing error unknown_monitor (decision 0021). It must exceed the time from a creating check-in's Kafka acknowledgement to its Postgres commit.",
  })
  @IsInt()
  @Min(1000)
  @Max(600000)
  VIGIL_SCHEDULER_UNCONFIRMED_WAIT_MS = 10000;

  @ConfigVariable({
    description:
      "Scheduler: a URL Vigil sends a GET to every VIGIL_SELF_HEARTBEAT_INTERVAL_MS while its own path is healthy (the scheduler is in its consumer group, a clock pulse went through Kafka to it within VIGIL_SELF_HEARTBEAT_MAX_CLOCK_LAG_MS, ingest writes its beats, every consumer group is at most VIGIL_SELF_HEARTBEAT_MAX_LAG messages behind, and the notifier delivers): point it at an outside dead man's switch (a Healthchecks.io or another Vigil's ping URL) so that Vigil being down alerts someone. Empty: off.",
    secret: true,
  })
  @Matches(/^$|^https?:\/\/\S+$/, { message: 'must be empty or an http(s) URL' })
  VIGIL_SELF_HEARTBEAT_URL = '';

  @ConfigVariable({ description: 'Scheduler: how often the self-heartbeat is sent while healthy, in milliseconds.' })
  @IsInt()
  @Min(1000)
  @Max(3600000)
  VIGIL_SELF_HEARTBEAT_INTERVAL_MS = 60000;

  @ConfigVariable({
    description:
      "Scheduler: the self-heartbeat is withheld while the scheduler's clock lags the wall clock by more than this, in milliseconds (no pulse came through Kafka).",
  })
  @IsInt()
  @Min(1000)
  @Max(3600000)
  VIGIL_SELF_HEARTBEAT_MAX_CLOCK_LAG_MS = 30000;

  @ConfigVariable({
    description:
      "Scheduler: the self-heartbeat is withheld while any consumer group (the scheduler's, issues', the notifier's, history's) is more than this many messages behind.",
  })
  @IsInt()
  @Min(1)
  VIGIL_SELF_HEARTBEAT_MAX_LAG = 10000;

  @ConfigVariable({ description: 'History writer: largest batch written to ClickHouse in one insert.' })
  @IsInt()
  @Min(1)
  @Max(100000)
  VIGIL_HISTORY_BATCH_SIZE = 5000;

  @ConfigVariable({
    description:
      'History writer: how long each fetch from Kafka waits for messages to gather (unless a megabyte came sooner) before they are written, one ClickHouse insert per topic. ClickHouse makes a part of every insert and merges it into the others, so a few large inserts cost it a fraction of many small ones (bench:pipeline); a check-in is readable through the API up to this much later. 0: write what each fetch brings at once.',
  })
  @IsInt()
  @Min(0)
  @Max(5000)
  VIGIL_HISTORY_BATCH_WAIT_MS = 1000;

  @ConfigVariable({
    description:
      'Retention, in days: check-in history, processing errors and state changes (ClickHouse), and finished notification deliveries with their attempts (Postgres), are deleted once older. ClickHouse 20.3 and later expire rows by TTL; older servers (18.16) drop whole monthly partitions once the month is entirely older (docs/clickhouse.md). At least 30: a run stays open up to 28 days, and its start must still be there when it closes.',
  })
  @IsInt()
  @Min(30)
  @Max(36500)
  VIGIL_RETENTION_DAYS = 90;

  @ConfigVariable({
    description:
      'Retention: how often history (the TTL, or the partitions to drop) and the notifier (finished deliveries to delete) apply VIGIL_RETENTION_DAYS, in milliseconds; each also applies it when it starts.',
  })
  @IsInt()
  @Min(60000)
  @Max(604800000)
  VIGIL_RETENTION_CHECK_MS = 3600000;

  @ConfigVariable({
    description:
      'Notifier: comma-separated addresses or CIDR ranges that integration URLs may reach although they are loopback, private, link-local or otherwise not public (refused by default); empty allows only public addresses.',
  })
  @IsCidrList()
  VIGIL_NOTIFIER_ALLOWED_CIDRS = '';

  @ConfigVariable({ description: 'Notifier: budget of one delivery attempt (DNS, connect, TLS, request and answer, or one SMTP send), in milliseconds.' })
  @IsInt()
  @Min(100)
  @Max(120000)
  VIGIL_NOTIFIER_ATTEMPT_TIMEOUT_MS = 10000;

  @ConfigVariable({ description: 'Notifier: delivery attempts per alert and integration, the first included, before the alert goes to the dead-letter topic.' })
  @IsInt()
  @Min(1)
  @Max(20)
  VIGIL_NOTIFIER_MAX_ATTEMPTS = 5;

  @ConfigVariable({
    description: 'Notifier: upper bound of the wait before the first retry, in milliseconds; each later bound is 4 times the previous (full jitter below it).',
  })
  @IsInt()
  @Min(0)
  @Max(3600000)
  VIGIL_NOTIFIER_RETRY_BASE_MS = 5000;

  @ConfigVariable({ description: "Notifier: longest wait between two attempts, in milliseconds (also caps a receiver's Retry-After)." })
  @IsInt()
  @Min(1000)
  @Max(86400000)
  VIGIL_NOTIFIER_RETRY_MAX_DELAY_MS = 600000;

  @ConfigVariable({
    description:
      'Notifier: how often the delivery worker looks for due deliveries (retries, and deliveries other instances created), in milliseconds; new deliveries of its own consumer are sent at once. Each look is a Postgres query (about 1 % of a core of an idle Postgres at 200 ms). A burst of new deliveries beyond what is sent at once waits for it: at 1 s, in bench:notify (1,000 alerts in one second) the last attempts started 1.5 s after their deliveries were written (decision 0026).',
  })
  @IsInt()
  @Min(10)
  @Max(60000)
  VIGIL_NOTIFIER_POLL_MS = 200;

  @ConfigVariable({
    description:
      'Notifier: delivery attempts one notifier instance has in flight at most; also the most deliveries one claim (one statement) takes. Receivers answer in 0.1 to 1 s, so this bounds the deliveries per second of an instance.',
  })
  @IsInt()
  @Min(1)
  @Max(256)
  VIGIL_NOTIFIER_CONCURRENCY = 64;

  @ConfigVariable({ description: 'Notifier: PagerDuty Events API v2 endpoint (events.eu.pagerduty.com for an EU account).' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  VIGIL_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

  @ConfigVariable({ description: 'Notifier: SMTP relay host for email integrations; empty means email is not set up (email deliveries fail permanently).' })
  @Matches(/^$|^[A-Za-z0-9.-]{1,253}$|^[0-9A-Fa-f:.]{2,45}$/, { message: 'must be empty, a host name or an IP address' })
  VIGIL_SMTP_HOST = '';

  @ConfigVariable({ description: 'Notifier: SMTP relay port (587 for STARTTLS, 465 for implicit TLS, 25 plain).' })
  @Port()
  VIGIL_SMTP_PORT = 587;

  @ConfigVariable({
    description: 'Notifier: SMTP transport security: none (plain, never upgraded), starttls (required) or implicit (TLS from the first byte).',
  })
  @IsIn(['none', 'starttls', 'implicit'])
  VIGIL_SMTP_TLS = 'starttls';

  @ConfigVariable({ description: 'Notifier: SMTP user name; empty means no authentication.' })
  @IsString()
  @MaxLength(255)
  VIGIL_SMTP_USER = '';

  @ConfigVariable({ description: 'Notifier: SMTP password.', secret: true })
  @IsString()
  @MaxLength(1024)
  VIGIL_SMTP_PASSWORD = '';

  @ConfigVariable({ description: 'Notifier: From header of alert emails, e.g. "Vigil <alerts@example.com>".' })
  @Matches(/^[^\r\n]*@[^\r\n]*$/, { message: 'must be an email address, optionally with a display name, on one line' })
  @MaxLength(320)
  VIGIL_SMTP_FROM = 'Vigil <vigil@localhost>';

  @ConfigVariable({ description: 'Producer batching window in milliseconds: how long a message may wait to share a Kafka request.' })
  @IsInt()
  @Min(0)
  @Max(1000)
  VIGIL_KAFKA_LINGER_MS = 2;

  @ConfigVariable({
    description:
      "Scheduler's consumer: after a fetch brings a small batch, how long it waits before handling it, in milliseconds, so the next fetch brings what arrived meanwhile: under load one fetch, one handling, one changelog write and one offset commit carry many check-ins instead of one each, and an idle consumer still waits at the broker. Detection is up to this much later. 0: at once. Issues and the notifier do not wait (each hop of an alert would add it: decision 0026); history has its own wait (VIGIL_HISTORY_BATCH_WAIT_MS).",
  })
  @IsInt()
  @Min(0)
  @Max(1000)
  VIGIL_KAFKA_CONSUMER_LINGER_MS = 50;

  @ConfigVariable({
    description: 'Kafka: replicas of each topic that `vigil migrate` creates (1 on a single broker; 3 on a production cluster). Existing topics keep theirs.',
  })
  @IsInt()
  @Min(1)
  @Max(16)
  VIGIL_KAFKA_REPLICATION_FACTOR = 1;

  @ConfigVariable({
    description:
      'Consumers: Kafka session timeout in milliseconds: a member that sends no heartbeat for this long (a stalled process, a lost broker) is dropped from its group, and /readyz reports a consumer not consuming once it heard nothing from its group for this long. The broker bounds it (group.min.session.timeout.ms, 6000 by default).',
  })
  @IsInt()
  @Min(1000)
  @Max(300000)
  VIGIL_KAFKA_SESSION_TIMEOUT_MS = 10000;

  @ConfigVariable({
    description:
      'Consumers: how long a consumer may be out of its group (crashed, restarting, no broker, no heartbeat) while it restarts itself, in milliseconds, before the process gives up: /healthz turns 503 and the process exits with status 70 for its supervisor to restart it.',
  })
  @IsInt()
  @Min(10000)
  @Max(86400000)
  VIGIL_KAFKA_CONSUMER_RECOVERY_MS = 180000;

  @ConfigVariable({
    description:
      'Consumers: longest one call of a batch handler may take, in milliseconds; a handler still running after this is stalled, and the process exits (status 70) for its supervisor to restart it.',
  })
  @IsInt()
  @Min(10000)
  @Max(3600000)
  VIGIL_KAFKA_HANDLER_TIMEOUT_MS = 300000;

  @ConfigVariable({
    description:
      'Consumers: attempts at a message that fails (the first included) before it goes to vigil.dead-letters.v1 and its partition moves on. A store that is unavailable is not counted: the partition waits for it.',
  })
  @IsInt()
  @Min(1)
  @Max(100)
  VIGIL_KAFKA_MESSAGE_ATTEMPTS = 5;

  @ConfigVariable({
    description: 'Consumers: wait before the first retry of a failing batch, in milliseconds; it doubles with every retry up to VIGIL_KAFKA_RETRY_MAX_MS.',
  })
  @IsInt()
  @Min(1)
  @Max(60000)
  VIGIL_KAFKA_RETRY_BASE_MS = 200;

  @ConfigVariable({
    description: 'Consumers: longest wait between two attempts at a batch (and between two tries of a store that is unavailable), in milliseconds.',
  })
  @IsInt()
  @Min(10)
  @Max(600000)
  VIGIL_KAFKA_RETRY_MAX_MS = 10000;

  @ConfigVariable({
    description:
      'Refused requests (4xx answers, rate limits, bad keys) are counted, not logged one by one: a reason not seen in the last interval is logged at once, the rest as one line per reason per interval with its count. The interval, in milliseconds.',
  })
  @IsInt()
  @Min(100)
  @Max(3600000)
  VIGIL_REFUSAL_LOG_INTERVAL_MS = 10000;

  @ConfigVariable({ description: 'Local stack (deploy/local): bytes a log file in .stack/logs may reach before it is rotated.' })
  @IsInt()
  @Min(4096)
  @Max(10737418240)
  VIGIL_LOG_FILE_MAX_BYTES = 20971520;

  @ConfigVariable({ description: 'Local stack (deploy/local): rotated log files kept per log (<name>.log.1 is the newest); older ones are deleted.' })
  @IsInt()
  @Min(0)
  @Max(100)
  VIGIL_LOG_FILE_COUNT = 4;

  @ConfigVariable({
    description:
      'Local stack supervisor: wait before restarting a service that exited, in milliseconds; doubled after each exit that comes too soon (see VIGIL_RESTART_STABLE_MS).',
  })
  @IsInt()
  @Min(0)
  @Max(600000)
  VIGIL_RESTART_BACKOFF_MIN_MS = 1000;

  @ConfigVariable({ description: 'Local stack supervisor: longest wait before restarting a service, in milliseconds.' })
  @IsInt()
  @Min(0)
  @Max(3600000)
  VIGIL_RESTART_BACKOFF_MAX_MS = 30000;

  @ConfigVariable({
    description: 'Local stack supervisor: a service that ran this long, in milliseconds, before exiting is restarted after the shortest wait again.',
  })
  @IsInt()
  @Min(0)
  @Max(86400000)
  VIGIL_RESTART_STABLE_MS = 60000;

  @ConfigVariable({ description: 'Milliseconds a service waits for in-flight work on SIGTERM before it exits anyway.' })
  @IsInt()
  @Min(0)
  @Max(600000)
  VIGIL_SHUTDOWN_TIMEOUT_MS = 10000;
}
