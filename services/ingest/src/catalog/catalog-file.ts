import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CatalogRecords } from './catalog-snapshot';

/**
 * The snapshot file of ingest's view (decision 0016): newline-delimited JSON, a header line and then one line
 * per project, key and monitor, with credentials only as SHA-256 hashes. Written to a temporary file of mode
 * 0600 beside it and renamed over it, so a reader sees the old file or the new one, never a part.
 */
const FORMAT = 'vigil.ingest-catalog';
const VERSION = 1;

interface Header {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** The Postgres database the view was read from: a file of another database is never used. */
  database: string;
  written_at: number;
  counts: { projects: number; keys: number; monitors: number };
}

type Line =
  ({ t: 'p' } & CatalogRecords['projects'][number]) | ({ t: 'k' } & CatalogRecords['keys'][number]) | ({ t: 'm' } & CatalogRecords['monitors'][number]);

/** Lines are built a chunk at a time, yielding to the event loop between chunks: check-ins keep flowing. */
const CHUNK = 2000;

export async function writeCatalogFile(path: string, database: string, records: CatalogRecords, now = Date.now()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const header: Header = {
    format: FORMAT,
    version: VERSION,
    database,
    written_at: now,
    counts: { projects: records.projects.length, keys: records.keys.length, monitors: records.monitors.length },
  };
  const lines: Line[] = [
    ...records.projects.map((project) => ({ t: 'p' as const, ...project })),
    ...records.keys.map((key) => ({ t: 'k' as const, ...key })),
    ...records.monitors.map((monitor) => ({ t: 'm' as const, ...monitor })),
  ];
  const temporary = `${path}.${process.pid}.tmp`;
  await unlink(temporary).catch(() => undefined);
  // 'wx': never through a file or link someone else put there.
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.write(`${JSON.stringify(header)}\n`);
    for (let start = 0; start < lines.length; start += CHUNK) {
      await file.write(
        `${lines
          .slice(start, start + CHUNK)
          .map((line) => JSON.stringify(line))
          .join('\n')}\n`,
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    await file.sync();
  } finally {
    await file.close();
  }
  // The umask cannot widen 0600, but an explicit chmod says what is meant.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

export interface CatalogFile {
  records: CatalogRecords;
  writtenAt: number;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
const isHash = (value: unknown): value is string => isString(value) && /^[0-9a-f]{64}$/.test(value);

/**
 * The records of the file, or why it cannot be used: missing, unreadable, of another format or database, older
 * than `maxAgeMs`, or not whole.
 */
export async function readCatalogFile(path: string, database: string, maxAgeMs: number, now = Date.now()): Promise<CatalogFile | { unusable: string }> {
  let text: string;
  try {
    if (!(await stat(path)).isFile()) return { unusable: 'not a file' };
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { unusable: (error as { code?: string }).code === 'ENOENT' ? 'no snapshot file' : `unreadable: ${(error as Error).message}` };
  }
  const lines = text.split('\n').filter((line) => line !== '');
  let header: Header;
  try {
    header = JSON.parse(lines[0] ?? '') as Header;
  } catch {
    return { unusable: 'its header is not JSON' };
  }
  if (header.format !== FORMAT || header.version !== VERSION) return { unusable: 'not a catalog snapshot of this version' };
  if (header.database !== database) return { unusable: `it is of database "${String(header.database)}"` };
  if (typeof header.written_at !== 'number' || now - header.written_at > maxAgeMs) return { unusable: 'older than VIGIL_INGEST_SNAPSHOT_MAX_AGE_MS' };
  const records: CatalogRecords = { projects: [], keys: [], monitors: [] };
  try {
    for (const raw of lines.slice(1)) {
      const { t, ...line } = JSON.parse(raw) as Line;
      if (t === 'p') {
        const project = line as CatalogRecords['projects'][number];
        if (!isId(project.id) || !isString(project.organizationId) || !isHash(project.pingKeyHash)) return { unusable: 'a project line is malformed' };
        records.projects.push({ id: project.id, organizationId: project.organizationId, pingKeyHash: project.pingKeyHash });
      } else if (t === 'k') {
        const key = line as CatalogRecords['keys'][number];
        if (!isId(key.id) || !isId(key.projectId) || !isHash(key.publicKeyHash)) return { unusable: 'a key line is malformed' };
        records.keys.push({ id: key.id, projectId: key.projectId, publicKeyHash: key.publicKeyHash });
      } else if (t === 'm') {
        const monitor = line as CatalogRecords['monitors'][number];
        if (
          !isString(monitor.id) ||
          !isString(monitor.slug) ||
          !isId(monitor.projectId) ||
          !isString(monitor.organizationId) ||
          !isHash(monitor.pingUuidHash) ||
          typeof monitor.config !== 'object' ||
          monitor.config === null
        ) {
          return { unusable: 'a monitor line is malformed' };
        }
        records.monitors.push(monitor);
      } else {
        return { unusable: 'a line of unknown kind' };
      }
    }
  } catch {
    return { unusable: 'a line is not JSON' };
  }
  const { counts } = header;
  if (counts?.projects !== records.projects.length || counts.keys !== records.keys.length || counts.monitors !== records.monitors.length)
    return { unusable: 'it is not whole' };
  return { records, writtenAt: header.written_at };
}
