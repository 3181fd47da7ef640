/** The services `vigil <name>` starts: one image, one entry point, the service chosen by its command. */
export const SERVICE_COMMANDS = ['ingest', 'api', 'scheduler', 'issues', 'notifier', 'history'] as const;
export type ServiceCommand = (typeof SERVICE_COMMANDS)[number];

export type Command =
  | { kind: 'service'; service: ServiceCommand }
  /** `check`: report only, exit 0 when every store is current; `waitSeconds`: keep checking that long before giving up. */
  | { kind: 'migrate'; check: boolean; waitSeconds: number }
  /** `admin reset-password <email>`: a new dashboard password for a member; `stdin`: read it rather than generate one. */
  | { kind: 'reset-password'; email: string; org: string | undefined; stdin: boolean }
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
  admin reset-password <email> [--org <slug>] [--stdin]
      give a member a new dashboard password and end every session of theirs (needs VIGIL_POSTGRES_URL).
      Prints a generated password once; --stdin reads the new one from standard input instead (a pipe; at least
      12 characters, one line). --org: the organization, when the address is a member of several
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
  if (word === 'admin') return parseAdmin(rest);
  if (word !== 'migrate') throw new UsageError(`unknown command "${word}" (expected one of: ${[...SERVICE_COMMANDS, 'migrate', 'admin', 'help'].join(', ')})`);
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

/** `admin reset-password <email> [--org <slug>] [--stdin]`, options before or after the address. */
function parseAdmin(argv: readonly string[]): Command {
  const [action, ...rest] = argv;
  if (action !== 'reset-password') throw new UsageError(`admin: unknown action "${action ?? ''}" (expected reset-password)`);
  let email: string | undefined;
  let org: string | undefined;
  let stdin = false;
  for (let i = 0; i < rest.length; i++) {
    const option = rest[i] ?? '';
    const [flag, inline] = option.split('=', 2);
    if (flag === '--stdin' && inline === undefined) {
      stdin = true;
    } else if (flag === '--org') {
      const value = inline ?? rest[++i];
      if (value === undefined || !/^[a-z0-9_-]{1,50}$/.test(value)) throw new UsageError(`--org takes an organization slug, got "${value ?? ''}"`);
      org = value;
    } else if (option.startsWith('-')) {
      throw new UsageError(`admin reset-password: unknown option "${option}" (expected --org <slug>, --stdin)`);
    } else if (email === undefined) {
      email = option;
    } else {
      throw new UsageError(`admin reset-password takes one email address, got "${email}" and "${option}"`);
    }
  }
  if (email === undefined || !/^[^\s@]+@[^\s@]+$/.test(email))
    throw new UsageError(`admin reset-password needs the member's email address, got "${email ?? ''}"`);
  return { kind: 'reset-password', email, org, stdin };
}
