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
  ])('refuses %j, naming the problem', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});
