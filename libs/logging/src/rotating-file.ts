import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

export interface RotationOptions {
  /** Bytes a file may reach before it is rotated. */
  maxBytes: number;
  /** Rotated files kept beside the live one: `<path>.1` (newest) to `<path>.<files>`; older ones are deleted. */
  files: number;
}

/** Renames `path` to `path.1`, shifting older generations up and dropping the one past `files`. */
function shiftGenerations(path: string, files: number): void {
  rmSync(`${path}.${files}`, { force: true });
  for (let generation = files - 1; generation >= 1; generation -= 1) {
    if (existsSync(`${path}.${generation}`)) renameSync(`${path}.${generation}`, `${path}.${generation + 1}`);
  }
  if (files >= 1 && existsSync(path)) renameSync(path, `${path}.1`);
  else rmSync(path, { force: true });
}

/**
 * A log file that never grows past `maxBytes` (give or take one line longer than that): when the next write
 * would cross it, the file becomes `<path>.1` and a new one is started, so a service's output takes at most
 * (files + 1) x maxBytes of disk. Writes are synchronous and cut at line ends where the chunk has one, so a JSON
 * line is not split across two files. One writer per file.
 */
export class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly options: RotationOptions,
  ) {
    if (!(options.maxBytes > 0) || !(options.files >= 0)) throw new Error(`rotation needs maxBytes > 0 and files >= 0, got ${JSON.stringify(options)}`);
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  write(data: Buffer | string): void {
    let chunk = typeof data === 'string' ? Buffer.from(data) : data;
    while (chunk.length > 0) {
      const room = this.options.maxBytes - this.size;
      if (chunk.length <= room) {
        this.append(chunk);
        return;
      }
      // Fill this file up to its last whole line that fits; a file holding nothing yet takes the chunk's first line.
      const cut = room > 0 ? chunk.lastIndexOf(10, room - 1) : -1;
      if (cut >= 0) {
        this.append(chunk.subarray(0, cut + 1));
        chunk = chunk.subarray(cut + 1);
      } else if (this.size === 0) {
        const end = chunk.indexOf(10);
        const take = end >= 0 ? end + 1 : chunk.length;
        this.append(chunk.subarray(0, take));
        chunk = chunk.subarray(take);
      }
      if (chunk.length > 0) this.rotate();
    }
  }

  /** Starts a new file now. */
  rotate(): void {
    closeSync(this.fd);
    shiftGenerations(this.path, this.options.files);
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }

  private append(chunk: Buffer): void {
    let written = 0;
    while (written < chunk.length) written += writeSync(this.fd, chunk, written, chunk.length - written);
    this.size += chunk.length;
  }
}

/**
 * Appends one line to a file that several processes append to (each opens, appends and closes), rotating it first
 * when it has reached `maxBytes`. Two writers rotating at the same moment may drop one generation; for low-volume
 * logs (the supervisors' restart log) that is acceptable.
 */
export function appendLineRotating(path: string, line: string, options: RotationOptions): void {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    size = 0;
  }
  if (size > 0 && size + Buffer.byteLength(line) + 1 > options.maxBytes) shiftGenerations(path, options.files);
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, `${line}\n`);
  } finally {
    closeSync(fd);
  }
}
