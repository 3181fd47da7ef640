import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLineRotating, RotatingFile } from '../rotating-file';

describe('RotatingFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rotating-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates past the size bound, keeps the given number of files, and never splits a line', () => {
    const path = join(dir, 'svc.log');
    const file = new RotatingFile(path, { maxBytes: 1000, files: 2 });
    const lines = Array.from({ length: 200 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(20)}"}\n`);
    // written in uneven chunks, as a pipe delivers them
    const all = lines.join('');
    for (let at = 0; at < all.length; at += 337) file.write(Buffer.from(all.slice(at, at + 337)));
    file.close();
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
    for (const name of [path, `${path}.1`, `${path}.2`]) {
      expect(statSync(name).size).toBeLessThanOrEqual(1000);
      for (const line of readFileSync(name, 'utf8').split('\n').filter(Boolean)) expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    // the newest output is in the live file, the one before it in .1, in order
    const kept = [`${path}.2`, `${path}.1`, path].map((name) => readFileSync(name, 'utf8')).join('');
    expect(all.endsWith(kept)).toBe(true);
    expect(kept.length).toBeGreaterThan(2000);
  });

  it('continues an existing file and counts its size', () => {
    const path = join(dir, 'svc.log');
    writeFileSync(path, 'a'.repeat(900) + '\n');
    const file = new RotatingFile(path, { maxBytes: 1000, files: 1 });
    file.write('b'.repeat(200) + '\n');
    file.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('a'.repeat(900) + '\n');
    expect(readFileSync(path, 'utf8')).toBe('b'.repeat(200) + '\n');
  });

  it('appendLineRotating bounds a log shared by several writers', () => {
    const path = join(dir, 'supervisor.log');
    for (let i = 0; i < 100; i += 1) appendLineRotating(path, `line ${i} ${'y'.repeat(40)}`, { maxBytes: 500, files: 1 });
    expect(statSync(path).size).toBeLessThanOrEqual(500);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(500);
    expect(existsSync(`${path}.2`)).toBe(false);
    expect(readFileSync(path, 'utf8')).toContain('line 99 ');
  });
});
