import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The loopback webhook receiver: answers 200 at once and counts what the notifier sent, by the alert's `type`. */
export class WebhookReceiver {
  private counts = new Map<string, number>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let type = 'unparsable';
        try {
          type = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string }).type ?? 'untyped';
        } catch {
          // counted as unparsable
        }
        this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    this.server.keepAliveTimeout = 30000;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook/bench-pipeline`;
  }

  /** What arrived since the last call, by type. */
  take(): Record<string, number> {
    const counts = Object.fromEntries(this.counts);
    this.counts = new Map();
    return counts;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
