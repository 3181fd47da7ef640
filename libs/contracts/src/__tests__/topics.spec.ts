// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import {
  ContractViolationError,
  TOPIC_NAMES,
  TOPICS,
  checkinMessageV1Example,
  decodeMessage,
  issueEventV1Example,
  monitorEventV1Example,
  runResultV1Example,
  encodeMessage,
  monitorEnvironmentKey,
  physicalTopicName,
} from '../index';

describe('topic contracts', () => {
  it.each(TOPIC_NAMES)('%s: its example message matches its schema and survives a round trip', (topic) => {
    const example = TOPICS[topic].example;
    const encoded = encodeMessage(topic, example);
    expect(decodeMessage(topic, Buffer.from(encoded))).toEqual(example);
  });

  it.each(TOPIC_NAMES)('%s: the name carries a version and a partition count is declared', (topic) => {
    expect(topic).toMatch(/^vigil\.[a-z-]+\.v\d+$/);
    expect(TOPICS[topic].name).toBe(topic);
    expect(TOPICS[topic].partitions).toBeGreaterThan(0);
  });

  it("the scheduler's changelog mirrors the check-ins partitions (partition p holds the state of partition p)", () => {
    expect(TOPICS['vigil.scheduler-state.v1'].partitions).toBe(TOPICS['vigil.checkins.v1'].partitions);
    expect(TOPICS['vigil.scheduler-state.v1'].config['cleanup.policy']).toBe('compact');
  });

  it('names the missing field and the rule', () => {
    const { status: _status, ...withoutStatus } = checkinMessageV1Example;
    expect(() => decodeMessage('vigil.checkins.v1', JSON.stringify(withoutStatus))).toThrow(expect.objectContaining({ field: '/status', rule: 'required' }));
  });

  it('rejects an unknown status, naming the field', () => {
    const bad = { ...checkinMessageV1Example, status: 'missed' };
    let caught: unknown;
    try {
      decodeMessage('vigil.checkins.v1', JSON.stringify(bad));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContractViolationError);
    expect((caught as ContractViolationError).field).toBe('/status');
    expect((caught as ContractViolationError).rule).toBe('enum');
  });

  it('carries an unknown outcome (a miss during an outage of Vigil) on monitor events and run results, never on issue events', () => {
    const eventId = `${monitorEventV1Example.monitor_id}:production:${monitorEventV1Example.slot}:unknown`;
    const event = { ...monitorEventV1Example, kind: 'unknown' as const, event_id: eventId };
    expect(decodeMessage('vigil.monitor-events.v1', Buffer.from(encodeMessage('vigil.monitor-events.v1', event)))).toEqual(event);
    const result = { ...runResultV1Example, kind: 'unknown' as const, event_id: eventId };
    expect(decodeMessage('vigil.run-results.v1', Buffer.from(encodeMessage('vigil.run-results.v1', result)))).toEqual(result);
    // An issue is opened by failures and resolved by an ok: an issue event about an unknown is a bug, refused.
    expect(() => decodeMessage('vigil.issues.v1', JSON.stringify({ ...issueEventV1Example, status: 'unknown' }))).toThrow(
      expect.objectContaining({ field: '/status', rule: 'enum' }),
    );
  });

  it('carries a ping body that is not UTF-8 as base64, and still reads messages written without body_encoding', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xc3, 0x28]);
    const binary = { ...checkinMessageV1Example, source: 'ping' as const, body: bytes.toString('base64'), body_encoding: 'base64' as const };
    const decoded = decodeMessage('vigil.checkins.v1', Buffer.from(encodeMessage('vigil.checkins.v1', binary)));
    expect(Buffer.from(decoded.body!, decoded.body_encoding === 'base64' ? 'base64' : 'utf8').equals(bytes)).toBe(true);
    expect(decodeMessage('vigil.checkins.v1', JSON.stringify({ ...checkinMessageV1Example, body: 'text' })).body_encoding).toBeUndefined();
    expect(() => decodeMessage('vigil.checkins.v1', JSON.stringify({ ...binary, body_encoding: 'hex' }))).toThrow(
      expect.objectContaining({ field: '/body_encoding', rule: 'enum' }),
    );
  });

  it('rejects unknown fields instead of carrying them silently', () => {
    const bad = { ...checkinMessageV1Example, surprise: true };
    expect(() => decodeMessage('vigil.checkins.v1', JSON.stringify(bad))).toThrow(
      expect.objectContaining({ field: '/surprise', rule: 'additionalProperties' }),
    );
  });

  it('rejects bytes that are not JSON', () => {
    expect(() => decodeMessage('vigil.monitor-events.v1', Buffer.from('{not json'))).toThrow(expect.objectContaining({ rule: 'json' }));
  });

  it('refuses to encode a malformed payload', () => {
    const bad = { ...checkinMessageV1Example, monitor_id: 'not-a-uuid' };
    expect(() => encodeMessage('vigil.checkins.v1', bad)).toThrow(ContractViolationError);
  });

  it('keys one monitor-environment track the same way every time', () => {
    expect(monitorEnvironmentKey('m', 'production')).toBe('m:production');
    expect(monitorEnvironmentKey('m', 'staging')).not.toBe(monitorEnvironmentKey('m', 'production'));
    expect(physicalTopicName('vigil.checkins.v1', 'test.')).toBe('test.vigil.checkins.v1');
  });
});
