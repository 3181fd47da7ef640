import { ConfigError, loadConfig } from '@vigil/config';
import { RotatingFile } from '@vigil/logging';
import { Supervisor } from './supervisor';

/**
 * `node supervise.js --name <service> --log <file> --supervisor-log <file> --state <file> -- <command...>`:
 * runs the command under a Supervisor (deploy/local/services.sh starts each service this way). Log rotation and
 * backoff come from VIGIL_LOG_FILE_MAX_BYTES, VIGIL_LOG_FILE_COUNT and VIGIL_RESTART_* (libs/config).
 */
function main(argv: readonly string[]): void {
  const split = argv.indexOf('--');
  const flags = split < 0 ? argv : argv.slice(0, split);
  const command = split < 0 ? [] : argv.slice(split + 1);
  const flag = (name: string): string => {
    const index = flags.indexOf(`--${name}`);
    const value = index >= 0 ? flags[index + 1] : undefined;
    if (!value) usage(`--${name} is required`);
    return value;
  };
  const name = flag('name');
  const log = flag('log');
  const supervisorLog = flag('supervisor-log');
  const stateFile = flag('state');
  if (command.length === 0) usage('no command after --');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`supervisor of ${name}: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const rotation = { maxBytes: config.VIGIL_LOG_FILE_MAX_BYTES, files: config.VIGIL_LOG_FILE_COUNT };
  new Supervisor({
    name,
    command,
    log: new RotatingFile(log, rotation),
    supervisorLog,
    supervisorLogRotation: rotation,
    stateFile,
    backoff: { minMs: config.VIGIL_RESTART_BACKOFF_MIN_MS, maxMs: config.VIGIL_RESTART_BACKOFF_MAX_MS, stableMs: config.VIGIL_RESTART_STABLE_MS },
    // The service's own shutdown budget, plus time to exit after it.
    stopTimeoutMs: config.VIGIL_SHUTDOWN_TIMEOUT_MS + 5000,
  }).run();
}

function usage(problem: string): never {
  process.stderr.write(`supervise: ${problem}\nusage: supervise --name <service> --log <file> --supervisor-log <file> --state <file> -- <command...>\n`);
  process.exit(64);
}

main(process.argv.slice(2));
