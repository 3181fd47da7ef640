import { currentZoneName, isValidTimeZone, legacyZoneNames } from '..';

describe('currentZoneName', () => {
  it('replaces deprecated names with the current ones', () => {
    expect(currentZoneName('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(currentZoneName('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(currentZoneName('US/Eastern')).toBe('America/New_York');
    expect(currentZoneName('America/Godthab')).toBe('America/Nuuk');
    expect(currentZoneName('CET')).toBe('Europe/Brussels');
  });

  it('keeps current names, UTC and unknown names as given', () => {
    for (const name of ['Europe/Berlin', 'Europe/Kyiv', 'UTC', 'Etc/GMT+5', 'Iceland', 'Mars/Olympus', 'constructor', '__proto__'])
      expect(currentZoneName(name)).toBe(name);
  });

  it('only names zones this runtime knows, and never a deprecated one', () => {
    const legacy = new Set(legacyZoneNames().map(([name]) => name));
    for (const [name, current] of legacyZoneNames()) {
      expect({ name, current, valid: isValidTimeZone(current), legacy: legacy.has(current) }).toEqual({ name, current, valid: true, legacy: false });
    }
  });
});
