import { ignoresPing, resumesPausedMonitor } from '../ping/ping-resume';

describe('resumesPausedMonitor (Healthchecks: a ping resumes a paused check unless manual_resume)', () => {
  const paused = { status: 'paused' as const, manualResume: false };

  it('resumes a paused monitor on a success or a failure', () => {
    expect(resumesPausedMonitor(paused, 'ok')).toBe(true);
    expect(resumesPausedMonitor(paused, 'error')).toBe(true);
  });

  it('leaves it paused on a start or a log', () => {
    expect(resumesPausedMonitor(paused, 'in_progress')).toBe(false);
    expect(resumesPausedMonitor(paused, 'log')).toBe(false);
  });

  it('never resumes with manual_resume', () => {
    expect(resumesPausedMonitor({ status: 'paused', manualResume: true }, 'ok')).toBe(false);
  });

  it('changes nothing for active and disabled monitors', () => {
    expect(resumesPausedMonitor({ status: 'active', manualResume: false }, 'ok')).toBe(false);
    expect(resumesPausedMonitor({ status: 'disabled', manualResume: false }, 'ok')).toBe(false);
  });
});

describe('ignoresPing (Healthchecks: pings to a paused check with manual_resume are `ign`)', () => {
  it('ignores every ping to a paused monitor with manual_resume, and no other', () => {
    expect(ignoresPing({ status: 'paused', manualResume: true })).toBe(true);
    expect(ignoresPing({ status: 'paused', manualResume: false })).toBe(false);
    expect(ignoresPing({ status: 'active', manualResume: true })).toBe(false);
  });
});
