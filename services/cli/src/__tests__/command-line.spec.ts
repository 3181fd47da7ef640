import { parseCommandLine, SERVICE_COMMANDS, UsageError } from '../command-line';

describe('vigil command line', () => {
  it.each(SERVICE_COMMANDS)('starts %s by name', (service) => {
    expect(parseCommandLine([service])).toEqual({ kind: 'service', service });
  });

  it('reads migrate, migrate --check and --wait in both spellings', () => {
    expect(parseCommandLine(['migrate'])).toEqual({ kind: 'migrate', check: false, waitSeconds: 0 });
    expect(parseCommandLine(['migrate', '--check'])).toEqual({ kind: 'migrate', check: true, waitSeconds: 0 });
    expect(parseCommandLine(['migrate', '--check', '--wait', '300'])).toEqual({ kind: 'migrate', check: true, waitSeconds: 300 });
    expect(parseCommandLine(['migrate', '--wait=5', '--check'])).toEqual({ kind: 'migrate', check: true, waitSeconds: 5 });
  });

  it('reads admin reset-password with its options before or after the address', () => {
    expect(parseCommandLine(['admin', 'reset-password', 'ops@example.com'])).toEqual({
      kind: 'reset-password',
      email: 'ops@example.com',
      org: undefined,
      stdin: false,
    });
    expect(parseCommandLine(['admin', 'reset-password', '--stdin', 'ops@example.com', '--org', 'acme'])).toEqual({
      kind: 'reset-password',
      email: 'ops@example.com',
      org: 'acme',
      stdin: true,
    });
    expect(parseCommandLine(['admin', 'reset-password', '--org=acme', 'ops@example.com'])).toMatchObject({ org: 'acme' });
  });

  it('prints help without a command', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['ingset'], /unknown command "ingset"/],
    [['ingest', '--port', '1'], /ingest takes no arguments/],
    [['migrate', '--chek'], /unknown option "--chek"/],
    [['migrate', '--check', '--wait'], /--wait takes a whole number of seconds, got ""/],
    [['migrate', '--check', '--wait', '-1'], /--wait takes a whole number of seconds, got "-1"/],
    [['migrate', '--wait', '10'], /--wait applies to migrate --check only/],
    [['migrate', '--check=yes'], /unknown option "--check=yes"/],
    [['admin'], /admin: unknown action ""/],
    [['admin', 'reset-pasword', 'a@example.com'], /unknown action "reset-pasword"/],
    [['admin', 'reset-password'], /needs the member's email address/],
    [['admin', 'reset-password', 'not-an-address'], /needs the member's email address, got "not-an-address"/],
    [['admin', 'reset-password', 'a@example.com', 'b@example.com'], /takes one email address/],
    [['admin', 'reset-password', 'a@example.com', '--org'], /--org takes an organization slug, got ""/],
    [['admin', 'reset-password', 'a@example.com', '--password', 'x'], /unknown option "--password"/],
  ])('refuses %j, naming the problem', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});
