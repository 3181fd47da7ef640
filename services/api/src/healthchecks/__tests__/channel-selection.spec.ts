// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { domainErrorOf } from '@vigil/errors/testing';
import { selectChannels } from '../channel-selection';

const slack = { id: '11111111-1111-4111-8111-111111111111', name: 'Ops Slack', type: 'slack' };
const pager = { id: '22222222-2222-4222-8222-222222222222', name: 'On call', type: 'pagerduty' };
const twin = { id: '33333333-3333-4333-8333-333333333333', name: 'On call', type: 'email' };

describe('selectChannels', () => {
  it('takes every channel for "*" and none for ""', () => {
    expect(selectChannels('*', [slack, pager])).toEqual([slack, pager]);
    expect(selectChannels('', [slack, pager])).toEqual([]);
  });

  it('takes channels by id (any case) or by name, each once', () => {
    expect(selectChannels(`${slack.id.toUpperCase()},On call`, [slack, pager])).toEqual([slack, pager]);
    expect(selectChannels(`${slack.id},Ops Slack`, [slack, pager])).toEqual([slack]);
  });

  it('refuses empty, unknown and ambiguous identifiers, naming channels', () => {
    expect(domainErrorOf(() => selectChannels(`${slack.id},`, [slack]))).toMatchObject({
      code: 'invalid_channels',
      field: 'channels',
      message: expect.stringMatching(/empty/),
    });
    expect(domainErrorOf(() => selectChannels('Nope', [slack])).message).toMatch(/invalid channel identifier: Nope/);
    expect(domainErrorOf(() => selectChannels('On call', [pager, twin])).message).toMatch(/non-unique channel identifier: On call/);
  });
});
