import { Inject, Injectable } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/errors';
import { isUuid } from '../common/request-body';
import type { ProjectKeyGrant } from '../project-api-keys/project-api-key.repository';
import { CHANNEL_KIND_OF, selectChannels } from './channel-selection';
import { CheckHistoryRepository, type FlipWindow } from './check-history.repository';
import { parseCheckSpec, tagList, type CheckSpec } from './check-spec';
import { findUniqueMatch } from './check-unique';
import { CheckRepository } from './check.repository';
import { hcTime, NO_ACTIVITY, presentCheck, type CheckActivity, type CheckLinks, type CheckRecord } from './check.presenter';
import { CHECK_SPEC_FIELDS } from './healthchecks.schemas';
import { UNIQUE_KEY, uniqueKeyOf } from './unique-key';

/** Healthchecks' ping types, from Vigil's check-in statuses. */
const PING_TYPE = { in_progress: 'start', ok: 'success', error: 'fail', log: 'log', ign: 'ign' } as const;

function unknownCheck(code: string): DomainError {
  return new DomainError('not_found', 'unknown_check', `check "${code}" not found`, 'uuid');
}

/**
 * The check fields of a body: without the API key a client may send in it (Healthchecks allows `api_key`
 * there) and without fields Vigil does not know, which Healthchecks ignores.
 */
function specOf(body: CheckSpec & { api_key?: string }): CheckSpec {
  const spec: Record<string, unknown> = {};
  for (const field of CHECK_SPEC_FIELDS)
    if (field !== 'api_key' && Object.prototype.hasOwnProperty.call(body, field)) spec[field] = (body as Record<string, unknown>)[field];
  return spec;
}

/** The Healthchecks-shaped API's use cases: checks as monitors of the key's project, their pings, flips and channels. */
@Injectable()
export class HealthchecksChecks {
  private readonly links: CheckLinks;

  constructor(
    private readonly checks: CheckRepository,
    private readonly history: CheckHistoryRepository,
    @Inject(VigilConfig) config: VigilConfig,
  ) {
    this.links = { ingestUrl: config.VIGIL_PUBLIC_INGEST_URL, apiUrl: config.VIGIL_PUBLIC_API_URL };
  }

  /** The project's checks, those with every tag in `tags` (words of their tags) and the slug, if given. */
  async list(grant: ProjectKeyGrant, tags: readonly string[], slug: string | undefined): Promise<Record<string, unknown>[]> {
    const records = (await this.checks.list(grant.projectId)).filter((record) => {
      if (slug !== undefined && slug !== '' && record.slug !== slug) return false;
      const own = tagList(record.tags);
      return tags.every((tag) => own.includes(tag));
    });
    if (records.length === 0) return [];
    const activity = await this.history.activity(grant.projectId);
    return records.map((record) => this.present(record, activity.get(record.id) ?? NO_ACTIVITY, grant));
  }

  /** A check by uuid or, as Healthchecks allows for reads, by its `unique_key`. */
  async get(grant: ProjectKeyGrant, code: string): Promise<Record<string, unknown>> {
    const record = await this.find(grant, code, true);
    return this.present(record, await this.activityOf(record), grant);
  }

  /** Creates a check, or with `unique`, updates the first one matching; `created` says which. */
  async create(grant: ProjectKeyGrant, body: CheckSpec & { api_key?: string }): Promise<{ check: Record<string, unknown>; created: boolean }> {
    const spec = specOf(body);
    const { record, created } = await this.checks.inProjectTransaction(grant.projectId, async (manager) => {
      const existing = findUniqueMatch(await this.checks.list(grant.projectId, manager), spec);
      const change = parseCheckSpec(spec, existing?.timezone ?? 'UTC');
      let id: string;
      if (existing) {
        await this.checks.update(manager, grant.organizationId, existing, change);
        id = existing.id;
      } else {
        id = await this.checks.insert(manager, grant.organizationId, grant.projectId, change);
      }
      if (spec.channels !== undefined)
        await this.checks.assignChannels(
          manager,
          id,
          grant.projectId,
          selectChannels(spec.channels, await this.checks.channels(grant.organizationId, manager)),
        );
      const saved = await this.checks.findById(grant.projectId, id, manager);
      if (!saved) throw new Error(`check ${id} vanished inside its own transaction`);
      return { record: saved, created: existing === null };
    });
    return { check: this.present(record, created ? NO_ACTIVITY : await this.activityOf(record), grant), created };
  }

  /** Changes the fields the body carries; the others keep their values. */
  async update(grant: ProjectKeyGrant, code: string, body: CheckSpec & { api_key?: string }): Promise<Record<string, unknown>> {
    // Healthchecks clears a slug sent as ""; Vigil needs one, so "" keeps it (parseCheckSpec leaves it out).
    const spec = specOf(body);
    const record = await this.checks.inProjectTransaction(grant.projectId, async (manager) => {
      const current = await this.checks.findByPingUuid(grant.projectId, this.uuidOf(code), manager);
      if (!current) throw unknownCheck(code);
      await this.checks.update(manager, grant.organizationId, current, parseCheckSpec(spec, current.timezone));
      if (spec.channels !== undefined)
        await this.checks.assignChannels(
          manager,
          current.id,
          grant.projectId,
          selectChannels(spec.channels, await this.checks.channels(grant.organizationId, manager)),
        );
      return (await this.checks.findByPingUuid(grant.projectId, current.pingUuid, manager)) ?? current;
    });
    return this.present(record, await this.activityOf(record), grant);
  }

  /** Deletes the check and answers with it as it was. */
  async remove(grant: ProjectKeyGrant, code: string): Promise<Record<string, unknown>> {
    const record = await this.find(grant, code, false);
    const check = this.present(record, await this.activityOf(record), grant);
    await this.checks.delete(record);
    return check;
  }

  /** Pauses the check (no alerts; the scheduler reports it `paused`). Pausing a paused check changes nothing. */
  async pause(grant: ProjectKeyGrant, code: string): Promise<Record<string, unknown>> {
    const record = await this.find(grant, code, false);
    if (record.status !== 'paused') await this.checks.setStatus(record, 'paused');
    return this.present({ ...record, status: 'paused' }, await this.activityOf(record), grant);
  }

  /**
   * Resumes a paused (or Sentry-disabled) check: it is watched again from `new`, as the scheduler treats a
   * resumed track, and the answer says so. A check that is not paused is a 409, as in Healthchecks.
   */
  async resume(grant: ProjectKeyGrant, code: string): Promise<Record<string, unknown>> {
    const record = await this.find(grant, code, false);
    if (record.status === 'active') throw new DomainError('conflict', 'not_paused', 'check is not paused', 'uuid');
    await this.checks.setStatus(record, 'active');
    const activity = await this.activityOf(record);
    // Resuming clears the last ping and any running start, as in Healthchecks (the scheduler's change follows).
    return this.present({ ...record, status: 'active' }, { ...activity, state: 'new', lastPingMs: null, lastCountedMs: null, openStartMs: null }, grant);
  }

  /** The latest pings, newest first, in Healthchecks' shape. */
  async pings(grant: ProjectKeyGrant, code: string): Promise<Record<string, unknown>[]> {
    const record = await this.find(grant, code, false);
    const updateUrl = `${this.links.apiUrl.replace(/\/+$/, '')}/api/v3/checks/${record.pingUuid}`;
    return (await this.history.pings(grant.projectId, record.id)).map((ping) => {
      const entry: Record<string, unknown> = {
        type: PING_TYPE[ping.status],
        date: hcTime(ping.receivedAtMs, true),
        n: ping.n,
        scheme: '',
        remote_addr: ping.remoteAddr === '' ? null : ping.remoteAddr,
        method: '',
        ua: ping.userAgent,
        rid: ping.runNamed ? ping.runId : null,
        body_url: ping.hasBody ? `${updateUrl}/pings/${ping.n}/body` : null,
      };
      if (ping.durationMs !== null && (ping.status === 'ok' || ping.status === 'error')) entry['duration'] = Math.round(ping.durationMs / 10) / 100;
      return entry;
    });
  }

  /** The body of ping n, or a 404 when there is no such ping or it had no body. */
  async pingBody(grant: ProjectKeyGrant, code: string, n: string): Promise<Buffer> {
    const record = await this.find(grant, code, false);
    const number = /^\d{1,9}$/.test(n) ? Number(n) : 0;
    const body = number >= 1 ? await this.history.pingBody(grant.projectId, record.id, number) : null;
    if (body === null) throw new DomainError('not_found', 'unknown_ping', `check "${code}" has no ping ${n}`, 'n');
    if (body.length === 0) throw new DomainError('not_found', 'no_ping_body', `ping ${n} of check "${code}" has no body`, 'n');
    return body;
  }

  /** Flips (changes between up, down, new and paused) in a window, newest first. */
  async flips(grant: ProjectKeyGrant, code: string, window: FlipWindow): Promise<Record<string, unknown>[]> {
    const record = await this.find(grant, code, true);
    return (await this.history.flips(grant.projectId, record.id, window)).map((flip) => ({
      timestamp: hcTime(flip.atMs),
      up: flip.to === 'ok' || flip.to === 'late' ? 1 : 0,
    }));
  }

  /** The integrations checks of this project can alert (the organization's), as Healthchecks channels. */
  async channels(grant: ProjectKeyGrant): Promise<Record<string, unknown>[]> {
    return (await this.checks.channels(grant.organizationId)).map((channel) => ({
      id: channel.id,
      name: channel.name,
      kind: CHANNEL_KIND_OF[channel.type] ?? channel.type,
    }));
  }

  private present(record: CheckRecord, activity: CheckActivity, grant: ProjectKeyGrant): Record<string, unknown> {
    return presentCheck(record, activity, grant.readOnly, this.links);
  }

  private async activityOf(record: CheckRecord): Promise<CheckActivity> {
    return (await this.history.activity(record.projectId, record.id)).get(record.id) ?? NO_ACTIVITY;
  }

  private uuidOf(code: string): string {
    if (!isUuid(code)) throw unknownCheck(code);
    return code.toLowerCase();
  }

  /** The key's project's check by uuid, or (`byUniqueKey`) by unique key; another project's is not found. */
  private async find(grant: ProjectKeyGrant, code: string, byUniqueKey: boolean): Promise<CheckRecord> {
    if (byUniqueKey && UNIQUE_KEY.test(code.toLowerCase())) {
      const key = code.toLowerCase();
      const found = (await this.checks.list(grant.projectId)).find((record) => uniqueKeyOf(record.pingUuid) === key);
      if (!found) throw unknownCheck(code);
      return found;
    }
    const found = await this.checks.findByPingUuid(grant.projectId, this.uuidOf(code));
    if (!found) throw unknownCheck(code);
    return found;
  }
}
