import type { SlotRule } from './slot-rules';

/**
 * What a monitor-environment expects next, rebuilt from its counted check-ins with the scheduler's own rules
 * (`SlotRule`, the same objects the scheduler's tracks use), for readers that do not hold the track:
 * - Each counted check-in is credited at its slot (`creditFor`); an interval re-anchors at each credit, so
 *   folding the latest few check-ins oldest first reproduces the scheduler's anchor (the first of them is
 *   credited without an anchor: at its minute, which the later ones correct when they arrive on schedule).
 * - Every slot whose margin has passed is settled (credited or missed) by event time `now`.
 * - The next expected slot is the first one after the settled ones: it may be in the past (`late`, within
 *   its margin). `nextExpectedLatest` is when it is missed.
 */
export interface ExpectationInput {
  rule: SlotRule;
  /** received_at of the latest counted check-ins (starts, and results that closed no run), oldest first. */
  countedAt: readonly number[];
  marginMs: number;
  /** Event time: the scheduler's clock is at least the latest state change it published. */
  now: number;
}

export interface Expectation {
  /** The interval's anchor (the instant the last counted check-in was credited at); null for a crontab. */
  anchor: number | null;
  nextExpected: number;
  nextExpectedLatest: number;
}

/** Null when nothing is expected: no check-in counted yet (a new track is never missed), or no next slot. */
export function expectationOf(input: ExpectationInput): Expectation | null {
  const { rule, marginMs, now } = input;
  let anchor = NaN;
  let resolved = NaN;
  for (const receivedAt of input.countedAt) {
    const slot = rule.creditFor(receivedAt, anchor);
    if (Number.isNaN(anchor) || slot > anchor) anchor = slot;
    if (Number.isNaN(resolved) || slot > resolved) resolved = slot;
  }
  if (Number.isNaN(resolved)) return null;
  const lastDue = rule.slotAtOrBefore(now - marginMs, anchor);
  if (lastDue !== null && lastDue > resolved) resolved = lastDue;
  const next = rule.nextAfter(resolved, anchor);
  if (!Number.isFinite(next)) return null;
  return { anchor: rule.kind === 'interval' ? anchor : null, nextExpected: next, nextExpectedLatest: next + marginMs };
}

/**
 * The next `count` slots strictly after `after`. A crontab ignores `anchor`; an interval without one (NaN or
 * null: nothing counted yet) has no slots.
 */
export function upcomingSlots(rule: SlotRule, anchor: number | null, after: number, count: number): number[] {
  const from = anchor ?? NaN;
  const slots: number[] = [];
  let t = after;
  while (slots.length < count) {
    const next = rule.nextAfter(t, from);
    if (!Number.isFinite(next)) break;
    slots.push(next);
    t = next;
  }
  return slots;
}
