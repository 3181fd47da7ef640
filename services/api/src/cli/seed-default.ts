import { loadConfig } from '@vigil/config';
import { ApiTokenEntity, createDataSource, hashSecret, newApiToken, newPingKey, newPublicKey, OrganizationEntity, ProjectEntity, ProjectKeyEntity } from '@vigil/db';
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';

/**
 * `node services/api/dist/cli/seed-default.js`: makes sure organization `default` has a project `default`
 * with a DSN key, a ping key and a read-write API token, and prints them as shell assignments.
 * Running it again changes nothing: an API token given in VIGIL_API_TOKEN that is still valid is kept
 * (tokens are stored hashed, so only the caller can hand it back); otherwise a new one is made.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = createDataSource(config, { poolSize: 1 });
  await dataSource.initialize();
  try {
    const lines = await dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(7331)');
      let organization = await manager.findOneBy(OrganizationEntity, { slug: 'default' });
      if (!organization) organization = await manager.save(manager.create(OrganizationEntity, { id: randomUUID(), slug: 'default', name: 'Default' }));
      let project = await manager.findOneBy(ProjectEntity, { organizationId: organization.id, slug: 'default' });
      if (!project) project = await manager.save(manager.create(ProjectEntity, { organizationId: organization.id, slug: 'default', name: 'Default', pingKey: newPingKey() }));
      let key = await manager.findOne(ProjectKeyEntity, { where: { projectId: project.id, revokedAt: IsNull() }, order: { id: 'ASC' } });
      if (!key) key = await manager.save(manager.create(ProjectKeyEntity, { projectId: project.id, publicKey: newPublicKey(), label: 'Default', revokedAt: null }));
      let token = process.env['VIGIL_API_TOKEN'];
      const known = token ? await manager.findOneBy(ApiTokenEntity, { tokenHash: hashSecret(token), organizationId: organization.id }) : null;
      if (!token || !known || known.revokedAt || known.scope !== 'write') {
        token = newApiToken();
        await manager.save(manager.create(ApiTokenEntity, { id: randomUUID(), organizationId: organization.id, name: 'make up', tokenHash: hashSecret(token), scope: 'write', revokedAt: null }));
      }
      const ingest = new URL(config.VIGIL_PUBLIC_INGEST_URL);
      const dsn = `${ingest.protocol}//${key.publicKey}@${ingest.host}/${project.id}`;
      return {
        VIGIL_ORG: organization.slug,
        VIGIL_PROJECT: project.slug,
        VIGIL_PROJECT_ID: String(project.id),
        VIGIL_DSN: dsn,
        VIGIL_PING_KEY: project.pingKey,
        VIGIL_API_TOKEN: token,
      };
    });
    for (const [name, value] of Object.entries(lines)) process.stdout.write(`${name}=${value}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
