/** The services `vigil <name>` starts: one image, one entry point, the service chosen by its command. */
export const SERVICE_COMMANDS = ['ingest', 'api', 'scheduler', 'issues', 'notifier', 'history'] as const;
export type ServiceCommand = (typeof SERVICE_COMMANDS)[number];

export type Command =
  | { kind: 'service'; service: ServiceCommand }
  /** `check`: report only, exit 0 when every store is current; `waitSeconds`: keep checking that long before giving up. */
  | { kind: 'migrate'; check: boolean; waitSeconds: number }
  | { kind: 'help' };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: vigil <command>

  ${SERVICE_COMMANDS.join(' | ')}
      start that service (configured by VIGIL_* environment variables; see libs/config)
  migrate
      apply the Postgres migrations, the ClickHouse migrations and create the Kafka topics; safe to repeat
  migrate --check [--wait <seconds>]
      change nothing; exit 0 when all three are current, 1 when one is not (each store says what it lacks).
      --wait: keep checking every 2 s for that long before exiting 1 (an init container waiting for the migrate Job)
  help
`;

function isService(word: string): word is ServiceCommand {
  return (SERVICE_COMMANDS as readonly string[]).includes(word);
}

/** `argv` without node and the script. Throws UsageError naming what is wrong. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [word, ...rest] = argv;
  if (word === undefined || word === 'help' || word === '--help' || word === '-h') {
    if (rest.length > 0) throw new UsageError(`help takes no arguments, got "${rest.join(' ')}"`);
    return { kind: 'help' };
  }
  if (isService(word)) {
    if (rest.length > 0) throw new UsageError(`${word} takes no arguments (it is configured by VIGIL_* variables), got "${rest.join(' ')}"`);
    return { kind: 'service', service: word };
  }
  if (word !== 'migrate') throw new UsageError(`unknown command "${word}" (expected one of: ${[...SERVICE_COMMANDS, 'migrate', 'help'].join(', ')})`);
  let check = false;
  let waitSeconds = 0;
  for (let i = 0; i < rest.length; i++) {
    const option = rest[i] ?? '';
    const [flag, inline] = option.split('=', 2);
    if (flag === '--check' && inline === undefined) {
      check = true;
    } else if (flag === '--wait') {
      const value = inline ?? rest[++i];
      if (value === undefined || !/^\d{1,6}$/.test(value)) throw new UsageError(`--wait takes a whole number of seconds, got "${value ?? ''}"`);
      waitSeconds = Number(value);
    } else {
      throw new UsageError(`migrate: unknown option "${option}" (expected --check, --wait <seconds>)`);
    }
  }
  if (waitSeconds > 0 && !check) throw new UsageError('--wait applies to migrate --check only');
  return { kind: 'migrate', check, waitSeconds };
}
