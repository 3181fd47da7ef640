import { loadConfig } from '@vigil/config';
import { RotatingFile } from '@vigil/logging';

/**
 * `node rotate-cli.js <file>`: copies stdin to a log file rotated at VIGIL_LOG_FILE_MAX_BYTES, keeping
 * VIGIL_LOG_FILE_COUNT old files, until stdin ends. deploy/local/stack.sh pipes the Postgres server's output
 * through it (Postgres's own collector rotates by size but never deletes old files).
 */
const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: rotate-cli <file>  (copies stdin to <file>, rotated)\n');
  process.exit(64);
}
const config = loadConfig();
const file = new RotatingFile(path, { maxBytes: config.VIGIL_LOG_FILE_MAX_BYTES, files: config.VIGIL_LOG_FILE_COUNT });
process.on('SIGHUP', () => undefined);
process.on('SIGINT', () => undefined);
process.stdin.on('data', (chunk: Buffer) => {
  try {
    file.write(chunk);
  } catch {
    // a full disk drops output instead of blocking the writer
  }
});
process.stdin.on('end', () => file.close());
