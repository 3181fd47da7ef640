import { domainErrorOf } from '@vigil/errors/testing';
import { parseAlertRuleChange } from '../alert-rules/alert-rule-input';

const INTEGRATION = 'A0000000-0000-4000-8000-00000000000A';

describe('parseAlertRuleChange', () => {
  it('takes a full rule', () => {
    expect(
      parseAlertRuleChange(
        {
          project: 'backend',
          monitor: 'nightly',
          integration: INTEGRATION,
          environments: ['production', 'production', 'staging'],
          on_open: true,
          on_resolve: false,
        },
        'create',
      ),
    ).toEqual({
      project: 'backend',
      monitor: 'nightly',
      integration: INTEGRATION.toLowerCase(),
      environments: ['production', 'staging'],
      on_open: true,
      on_resolve: false,
    });
  });

  it('a numeric project id and null monitor and environments are allowed', () => {
    expect(parseAlertRuleChange({ project: 3, monitor: null, environments: null, integration: INTEGRATION }, 'create')).toEqual({
      project: '3',
      monitor: null,
      environments: null,
      integration: INTEGRATION.toLowerCase(),
    });
  });

  it('an update may send one field alone', () => {
    expect(parseAlertRuleChange({ on_resolve: false }, 'update')).toEqual({ on_resolve: false });
  });

  it.each([
    ['project missing on create', { integration: INTEGRATION }, 'project'],
    ['integration missing on create', { project: 'p' }, 'integration'],
    ['integration not an id', { project: 'p', integration: 'slack' }, 'integration'],
    ['empty environments', { project: 'p', integration: INTEGRATION, environments: [] }, 'environments'],
    ['a bad environment name', { project: 'p', integration: INTEGRATION, environments: ['ok', 'a/b'] }, 'environments[1]'],
    ['a flag that is not a boolean', { project: 'p', integration: INTEGRATION, on_open: 'yes' }, 'on_open'],
    ['an unknown field', { project: 'p', integration: INTEGRATION, muted: true }, 'muted'],
    ['an empty monitor', { project: 'p', integration: INTEGRATION, monitor: '' }, 'monitor'],
  ])('refuses %s, naming the field', (_case, body, field) => {
    expect(domainErrorOf(() => parseAlertRuleChange(body, 'create')).field).toBe(field);
  });
});
