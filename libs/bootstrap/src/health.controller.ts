import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ReadinessRegistry } from './readiness.registry';

@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  /** Alive: the process answers and nothing in it has given up (a consumer that cannot get back into its group). */
  @Get('healthz')
  async healthz(@Res() reply: FastifyReply): Promise<void> {
    const result = this.readiness.evaluateLiveness();
    await reply.status(result.alive ? 200 : 503).send({ status: result.alive ? 'ok' : 'unhealthy', checks: result.checks });
  }

  /** Ready: every dependency this service needs answers. */
  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const result = await this.readiness.evaluate();
    await reply.status(result.ready ? 200 : 503).send({ status: result.ready ? 'ready' : 'not_ready', checks: result.checks });
  }
}
