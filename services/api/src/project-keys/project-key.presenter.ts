import type { ProjectKeyEntity } from '@vigil/db';

/** The DSN of a key: `<scheme>://<public key>@<ingest host>/<project id>`, what SDKs and sentry-cli take. */
export function dsnFor(publicIngestUrl: string, publicKey: string, projectId: number): string {
  const ingest = new URL(publicIngestUrl);
  return `${ingest.protocol}//${publicKey}@${ingest.host}/${projectId}`;
}

/**
 * A DSN key in Sentry's shape: `id` is the public key (what `.../keys/<id>/` takes), `name` its label, `isActive`
 * false once revoked; `dsn.public` for SDKs and `dsn.crons` the cron endpoint for curl with the slug placeholder.
 * DSN keys are public by nature, so they are always shown in full.
 */
export function presentProjectKey(key: ProjectKeyEntity, publicIngestUrl: string): Record<string, unknown> {
  const base = publicIngestUrl.replace(/\/+$/, '');
  return {
    id: key.publicKey,
    name: key.label,
    label: key.label,
    public: key.publicKey,
    projectId: key.projectId,
    isActive: key.revokedAt === null,
    dateCreated: key.createdAt.toISOString(),
    dateRevoked: key.revokedAt ? key.revokedAt.toISOString() : null,
    dsn: {
      public: dsnFor(publicIngestUrl, key.publicKey, key.projectId),
      crons: `${base}/api/${key.projectId}/cron/___MONITOR_SLUG___/${key.publicKey}/`,
    },
  };
}
