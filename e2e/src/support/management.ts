import { randomUUID } from 'node:crypto';
import { apiTokenPrefix, hashSecret, newApiToken, type MemberRole } from '@vigil/db';
import type { DataSource } from 'typeorm';

/** An answer of the management API: the status and the parsed JSON (null for an empty body). */
export interface ApiAnswer {
  status: number;
  json: unknown;
  text: string;
}

/** Calls `path` (under /api/0/) of the API with a Bearer token, as a script would. */
export async function apiCall(apiUrl: string, token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${apiUrl}/api/0/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown = null;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: response.status, json, text };
}

/** An organization made straight in Postgres (there is no API to create one), with one owner and its token. */
export interface TestOrganization {
  id: string;
  slug: string;
  ownerId: string;
  ownerToken: string;
}

export async function createOrganization(db: DataSource, prefix: string): Promise<TestOrganization> {
  const id = randomUUID();
  const slug = `${prefix}-${randomUUID().slice(0, 8)}`;
  await db.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $3)', [id, slug, slug]);
  const ownerId = await addMember(db, id, `owner@${slug}.test`, 'owner');
  const ownerToken = await addToken(db, id, ownerId, 'write');
  return { id, slug, ownerId, ownerToken };
}

export async function addMember(db: DataSource, organizationId: string, email: string, role: MemberRole): Promise<string> {
  const id = randomUUID();
  await db.query('INSERT INTO members (id, organization_id, email, name, role) VALUES ($1, $2, $3, $3, $4)', [id, organizationId, email, role]);
  return id;
}

/** A token straight in Postgres: a personal one when `memberId` is given, else an organization token. */
export async function addToken(db: DataSource, organizationId: string, memberId: string | null, scope: 'read' | 'write'): Promise<string> {
  const token = newApiToken();
  await db.query('INSERT INTO api_tokens (id, organization_id, member_id, name, token_hash, token_prefix, scope) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    randomUUID(),
    organizationId,
    memberId,
    'e2e',
    hashSecret(token),
    apiTokenPrefix(token),
    scope,
  ]);
  return token;
}

/**
 * A fingerprint of everything the access endpoints can write (organizations, projects, keys, tokens without
 * their last use, members, teams and team members): equal before and after means nothing was written.
 */
export async function accessFingerprint(db: DataSource): Promise<string> {
  const rows: Array<{ fingerprint: string }> = await db.query(`
    SELECT concat_ws('|',
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM organizations x),
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM projects x),
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM project_keys x),
      (SELECT md5(coalesce(string_agg(concat_ws(',', x.id, x.organization_id, x.member_id, x.name, x.token_hash, x.scope, x.revoked_at), ';' ORDER BY x.id), '')) FROM api_tokens x),
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM members x),
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM teams x),
      (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.team_id, x.member_id), '')) FROM team_members x)
    ) AS fingerprint`);
  return rows[0]!.fingerprint;
}
