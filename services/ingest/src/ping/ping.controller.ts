import { Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import type { FastifyReply } from 'fastify';
import { RecordCheckinsUseCase } from '../checkins/record-checkins.usecase';
import { MonitorRepository } from '../monitors/monitor.repository';
import { isUuid, pingStatus } from './ping-signal';

/** Healthchecks-style ping URLs. Answers are plain text, as Healthchecks clients expect. */
@Controller('ping')
export class PingController {
  constructor(
    private readonly monitors: MonitorRepository,
    @Inject(RecordCheckinsUseCase) private readonly record: RecordCheckinsUseCase,
  ) {}

  // HEAD is answered by the GET routes. Nest maps one HTTP method per handler, hence the pairs.
  @Get(':uuid')
  async getSuccess(@Param('uuid') uuid: string, @Query('rid') rid: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.ping(uuid, undefined, rid, reply);
  }

  @Post(':uuid')
  async postSuccess(@Param('uuid') uuid: string, @Query('rid') rid: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.ping(uuid, undefined, rid, reply);
  }

  @Get(':uuid/:signal')
  async getSignal(@Param('uuid') uuid: string, @Param('signal') signal: string, @Query('rid') rid: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.ping(uuid, signal, rid, reply);
  }

  @Post(':uuid/:signal')
  async postSignal(@Param('uuid') uuid: string, @Param('signal') signal: string, @Query('rid') rid: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.ping(uuid, signal, rid, reply);
  }

  private async ping(uuid: string, signal: string | undefined, rid: string | undefined, reply: FastifyReply): Promise<void> {
    if (!isUuid(uuid)) {
      await reply.status(404).type('text/plain').send('not found');
      return;
    }
    let status;
    try {
      status = pingStatus(signal);
    } catch (error) {
      if (error instanceof DomainError) {
        await reply.status(error.kind === 'not_found' ? 404 : 400).type('text/plain').send(error.kind === 'not_found' ? 'not found' : 'invalid url format');
        return;
      }
      throw error;
    }
    if (rid !== undefined && !isUuid(rid)) {
      await reply.status(400).type('text/plain').send('invalid rid: must be a UUID');
      return;
    }
    const monitor = await this.monitors.findByPingUuid(uuid.toLowerCase());
    if (!monitor) {
      await reply.status(404).type('text/plain').send('not found');
      return;
    }
    await this.record.recordPing(monitor, status, rid?.toLowerCase());
    await reply.status(200).type('text/plain').send('OK');
  }
}
