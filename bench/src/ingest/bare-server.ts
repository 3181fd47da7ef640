import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * The ceiling: a bare `node:http` server doing the least an ingest endpoint must do. A ping is its URL
 * parsed and its UUID checked; an envelope is read whole, its lines split and its JSON parsed (envelope
 * header, item header, the check-in). Both answer 202 without writing anything anywhere. Started by the
 * bench as a process of its own; it reports its port over IPC.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function answer(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function ping(path: string, res: ServerResponse): void {
  const uuid = path.split('/')[2] ?? '';
  if (!UUID.test(uuid)) return answer(res, 404, 'text/plain', 'not found');
  answer(res, 202, 'text/plain', 'OK');
}

function envelope(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const lines = Buffer.concat(chunks).toString('utf8').split('\n');
      JSON.parse(lines[0] ?? '');
      let checkIns = 0;
      for (let index = 1; index + 1 < lines.length; index += 2) {
        const item = JSON.parse(lines[index] ?? '') as { type?: unknown };
        if (item.type !== 'check_in') continue;
        const checkIn = JSON.parse(lines[index + 1] ?? '') as { monitor_slug?: unknown; status?: unknown };
        if (typeof checkIn.monitor_slug !== 'string' || typeof checkIn.status !== 'string') throw new Error('invalid check-in');
        checkIns += 1;
      }
      if (checkIns === 0) throw new Error('no check-in');
      answer(res, 202, 'application/json', '{}');
    } catch {
      answer(res, 400, 'application/json', '{"detail":"invalid envelope"}');
    }
  });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://bare');
  if (url.pathname.startsWith('/ping/')) return ping(url.pathname, res);
  if (req.method === 'POST' && /^\/api\/\d+\/envelope\/?$/.test(url.pathname)) return envelope(req, res);
  answer(res, 404, 'text/plain', 'not found');
});
server.keepAliveTimeout = 60000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ port: address.port });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
