import { transitions } from './oracle';

export const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];

export const EXPRESSIONS = [
  '* * * * *',
  '*/7 * * * *',
  '30 2 * * *',
  '0 2 * * *',
  '15 1 * * *',
  '45 1 * * *',
  '0 3 * * *',
  '0 0 1,15 * MON',
  '0 9 * * 1-5',
  '59 23 31 12 *',
  '0 0 29 2 *',
  '@hourly',
  '@weekly',
  '@daily',
  '@monthly',
  '0 */2 * * *',
  '1-30/5 2 * * *',
  '*/20 1,2,3 * * SUN',
  '0 0 */10 * SAT,SUN',
  '30 * * * *',
  '45 * * * *',
  '* 2 * * *',
  '0 12 L * *',
  '*/15 1-3 LW * 5L',
  '0,30 2 * * SUN#1,SUN#2',
  '5 4 * JAN-MAR,OCT-DEC 0,7',
];

const HOUR = 3_600_000;

export interface Window {
  label: string;
  from: number;
  to: number;
  /** Offset transitions inside the window. */
  transitions: number[];
}

const cache = new Map<string, Window[]>();

/**
 * Every offset transition of 2025-2027 in the zone, 18 hours either side, plus two calendar windows that every zone
 * gets: New Year's Eve 2025 and the leap day of 2028.
 */
export function windowsFor(zone: string): Window[] {
  const hit = cache.get(zone);
  if (hit) return hit;
  const found = transitions(zone, Date.UTC(2025, 0, 1), Date.UTC(2028, 0, 1));
  const windows: Window[] = found.map((t) => ({
    label: `transition ${new Date(t).toISOString()}`,
    from: t - 18 * HOUR,
    to: t + 18 * HOUR,
    transitions: [t],
  }));
  windows.push({ label: 'new year 2026', from: Date.UTC(2025, 11, 31), to: Date.UTC(2026, 0, 1, 12), transitions: [] });
  windows.push({ label: 'leap day 2028', from: Date.UTC(2028, 1, 28), to: Date.UTC(2028, 2, 1), transitions: [] });
  cache.set(zone, windows);
  return windows;
}

/** Instants to query in a window: a regular grid, around each slot and around each transition. */
export function queryPoints(window: Window, slots: number[]): number[] {
  const points = new Set<number>();
  for (let t = window.from; t <= window.to; t += 13 * 60_000 + 17) points.add(t);
  // Around every slot, or around a sample of them for dense schedules.
  const stride = Math.max(1, Math.floor(slots.length / 150));
  for (let i = 0; i < slots.length; i += stride) for (const d of [-60_001, -1, 0, 1, 59_999]) points.add(slots[i]! + d);
  for (const t of window.transitions) for (const d of [-HOUR - 1, -1, 0, 1, 30 * 60_000, HOUR, HOUR + 1]) points.add(t + d);
  return [...points].filter((t) => t >= window.from && t <= window.to).sort((a, b) => a - b);
}
