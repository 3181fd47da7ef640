import { matchingIntegrations, notifyDecision, ruleMatches, type AlertRule } from '../rules/alert-rule-matcher';
import { issueEvent, MONITOR_ID, OTHER_MONITOR_ID, PROJECT_ID } from './issue-event-fixture';

const SLACK = 'a0000000-0000-4000-8000-00000000000a';
const PAGER = 'b0000000-0000-4000-8000-00000000000b';
const HOOK = 'c0000000-0000-4000-8000-00000000000c';

function rule(overrides: Partial<AlertRule> = {}): AlertRule {
  return {
    id: `rule-${Math.random()}`,
    projectId: PROJECT_ID,
    monitorId: null,
    integrationId: SLACK,
    environments: null,
    onOpen: true,
    onResolve: true,
    ...overrides,
  };
}

describe('notifyDecision', () => {
  it('opened and resolved notify; updated never does', () => {
    expect(notifyDecision(issueEvent({ kind: 'issue.opened' }))).toEqual({ notify: true });
    expect(notifyDecision(issueEvent({ kind: 'issue.resolved', status: 'ok' }))).toEqual({ notify: true });
    expect(notifyDecision(issueEvent({ kind: 'issue.updated' }))).toEqual({ notify: false, reason: 'not_a_notified_transition' });
  });

  it('a muted monitor or environment notifies nobody, opened or resolved', () => {
    expect(notifyDecision(issueEvent({ muted: true }))).toEqual({ notify: false, reason: 'muted' });
    expect(notifyDecision(issueEvent({ kind: 'issue.resolved', muted: true }))).toEqual({ notify: false, reason: 'muted' });
  });
});

describe('ruleMatches', () => {
  it('a project rule matches every monitor of its project, and no other project', () => {
    expect(ruleMatches(rule(), issueEvent())).toBe(true);
    expect(ruleMatches(rule(), issueEvent({ monitor_id: OTHER_MONITOR_ID }))).toBe(true);
    expect(ruleMatches(rule({ projectId: PROJECT_ID + 1 }), issueEvent())).toBe(false);
  });

  it('a monitor rule matches only its monitor', () => {
    expect(ruleMatches(rule({ monitorId: MONITOR_ID }), issueEvent())).toBe(true);
    expect(ruleMatches(rule({ monitorId: MONITOR_ID }), issueEvent({ monitor_id: OTHER_MONITOR_ID }))).toBe(false);
  });

  it('environments: null matches all; a list matches exactly its names', () => {
    expect(ruleMatches(rule({ environments: null }), issueEvent({ environment: 'anything' }))).toBe(true);
    expect(ruleMatches(rule({ environments: ['production', 'staging'] }), issueEvent({ environment: 'staging' }))).toBe(true);
    expect(ruleMatches(rule({ environments: ['production'] }), issueEvent({ environment: 'staging' }))).toBe(false);
    expect(ruleMatches(rule({ environments: ['production'] }), issueEvent({ environment: 'Production' }))).toBe(false);
  });

  it('on_open and on_resolve choose the transitions', () => {
    const openOnly = rule({ onOpen: true, onResolve: false });
    const resolveOnly = rule({ onOpen: false, onResolve: true });
    expect(ruleMatches(openOnly, issueEvent({ kind: 'issue.opened' }))).toBe(true);
    expect(ruleMatches(openOnly, issueEvent({ kind: 'issue.resolved' }))).toBe(false);
    expect(ruleMatches(resolveOnly, issueEvent({ kind: 'issue.opened' }))).toBe(false);
    expect(ruleMatches(resolveOnly, issueEvent({ kind: 'issue.resolved' }))).toBe(true);
    expect(ruleMatches(rule(), issueEvent({ kind: 'issue.updated' }))).toBe(false);
  });
});

describe('matchingIntegrations', () => {
  const rules = [
    rule({ integrationId: SLACK }),
    rule({ integrationId: PAGER, monitorId: MONITOR_ID, environments: ['production'], onResolve: true }),
    rule({ integrationId: HOOK, monitorId: OTHER_MONITOR_ID }),
    rule({ integrationId: SLACK, monitorId: MONITOR_ID, onOpen: false }),
  ];

  it('project and monitor rules add up; an integration named twice is notified once', () => {
    expect(matchingIntegrations(rules, issueEvent())).toEqual([SLACK, PAGER]);
    expect(matchingIntegrations(rules, issueEvent({ kind: 'issue.resolved', status: 'ok' }))).toEqual([SLACK, PAGER]);
  });

  it('a monitor rule that turns a transition down does not silence the project rule', () => {
    const quietMonitor = [rule({ integrationId: SLACK }), rule({ integrationId: SLACK, monitorId: MONITOR_ID, onOpen: false })];
    expect(matchingIntegrations(quietMonitor, issueEvent())).toEqual([SLACK]);
  });

  it('filters by environment per rule', () => {
    expect(matchingIntegrations(rules, issueEvent({ environment: 'staging' }))).toEqual([SLACK]);
  });

  it('another monitor gets the project rules and its own', () => {
    expect(matchingIntegrations(rules, issueEvent({ monitor_id: OTHER_MONITOR_ID }))).toEqual([SLACK, HOOK]);
  });

  it('muted and updated events match nothing, whatever the rules', () => {
    expect(matchingIntegrations(rules, issueEvent({ muted: true }))).toEqual([]);
    expect(matchingIntegrations(rules, issueEvent({ kind: 'issue.updated' }))).toEqual([]);
  });

  it('no rules, no integrations', () => {
    expect(matchingIntegrations([], issueEvent())).toEqual([]);
  });
});
