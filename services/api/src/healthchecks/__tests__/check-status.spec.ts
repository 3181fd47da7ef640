import { TRACK_STATES } from '@vigil/contracts';
import { checkStatus, isFlip, STORED_STATUS_OF } from '../check-status';

describe('checkStatus: Healthchecks status from the monitor status and the scheduler state', () => {
  it('is paused while the monitor is paused or disabled, whatever the scheduler saw', () => {
    for (const state of [...TRACK_STATES, null]) {
      expect(checkStatus('paused', state)).toBe('paused');
      expect(checkStatus('disabled', state)).toBe('paused');
    }
  });

  it('maps the track states of an active monitor', () => {
    expect(checkStatus('active', null)).toBe('new');
    expect(checkStatus('active', 'new')).toBe('new');
    expect(checkStatus('active', 'ok')).toBe('up');
    expect(checkStatus('active', 'late')).toBe('grace');
    expect(checkStatus('active', 'missed')).toBe('down');
    expect(checkStatus('active', 'timeout')).toBe('down');
    expect(checkStatus('active', 'error')).toBe('down');
  });

  it('reads a paused state of a resumed monitor as new (what the scheduler makes of a resume)', () => {
    expect(checkStatus('active', 'paused')).toBe('new');
  });
});

describe('isFlip', () => {
  it('is a change between stored statuses only', () => {
    expect(isFlip('ok', 'late')).toBe(false);
    expect(isFlip('late', 'ok')).toBe(false);
    expect(isFlip('missed', 'error')).toBe(false);
    expect(isFlip('late', 'missed')).toBe(true);
    expect(isFlip('error', 'ok')).toBe(true);
    expect(isFlip('new', 'ok')).toBe(true);
    expect(isFlip('ok', 'paused')).toBe(true);
    expect(isFlip('paused', 'new')).toBe(true);
  });

  it('knows every track state', () => {
    expect(Object.keys(STORED_STATUS_OF).sort()).toEqual([...TRACK_STATES].sort());
  });
});
