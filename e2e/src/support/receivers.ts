import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One request a loopback receiver read. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as sent (a webhook signature covers these exact bytes). */
  body: string;
  at: number;
}

/**
 * A loopback HTTP receiver standing in for Slack, PagerDuty and webhook endpoints. The first path segment picks
 * how it answers; every request is recorded before it answers:
 * - `/ok/...`, `/slack/...`, `/hook/...`: 200; `/pagerduty/...`: 202 with PagerDuty's body;
 * - `/flaky/...`: 500 to the first two requests of the path, then 200;
 * - `/fail/...`: always 500; `/gone/...`: 404;
 * - `/hold/...`: the first request of the path gets no answer until `release(path)` (or the sender goes away);
 *   later ones get 200.
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hits = new Map<string, number>();
  private readonly held = new Map<string, ServerResponse>();
  port = 0;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const hits = (this.hits.get(path) ?? 0) + 1;
        this.hits.set(path, hits);
        switch (path.split('/')[1]) {
          case 'ok':
          case 'slack':
          case 'hook':
            return response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          case 'pagerduty':
            return response.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success","message":"Event processed"}');
          case 'flaky':
            return hits <= 2 ? response.writeHead(500).end('not yet') : response.writeHead(200).end('ok');
          case 'fail':
            return response.writeHead(500).end('always broken');
          case 'gone':
            return response.writeHead(404).end('no such hook');
          case 'hold':
            if (hits === 1) {
              this.held.set(path, response);
              return;
            }
            return response.writeHead(200).end('ok');
          default:
            return response.writeHead(400).end('unknown route');
        }
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The requests to one path, in arrival order. */
  to(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Answers a held request (if its sender is still there). */
  release(path: string, status = 200): void {
    const response = this.held.get(path);
    this.held.delete(path);
    if (response && !response.writableEnded && !response.destroyed) response.writeHead(status).end('late answer');
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** One message an SMTP sink accepted. */
export interface ReceivedEmail {
  from: string;
  to: string[];
  /** The whole message as sent (headers and MIME body). */
  raw: string;
}

/** A real SMTP server on loopback (smtp-server): no TLS, no authentication, every message kept. */
export class SmtpSink {
  readonly messages: ReceivedEmail[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          this.messages.push({ from, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** A header of a message (unfolded), or undefined. */
  static header(message: ReceivedEmail, name: string): string | undefined {
    const head = message.raw.split(/\r?\n\r?\n/)[0] ?? '';
    const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
    const line = unfolded.split(/\r?\n/).find((entry) => entry.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return line?.slice(name.length + 1).trim();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
