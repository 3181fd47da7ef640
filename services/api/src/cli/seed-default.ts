import { loadConfig } from '@vigil/config';
import {
  apiTokenPrefix,
  ApiTokenEntity,
  createDataSource,
  hashSecret,
  MemberEntity,
  newApiToken,
  newPingKey,
  newPublicKey,
  newProjectApiKey,
  OrganizationEntity,
  ProjectApiKeyEntity,
  projectApiKeyPrefix,
  ProjectEntity,
  ProjectKeyEntity,
} from '@vigil/db';
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { dsnFor } from '../project-keys/project-key.presenter';
import { generatePassword, hashPassword, verifyPassword } from '../web/auth/password';

/**
 * `node services/api/dist/cli/seed-default.js`: makes sure organization `default` has an owner (member
 * `owner@vigil.local`) and a project `default` with a DSN key and a ping key, and prints them with a personal
 * read-write API token of the owner (it may do everything: docs/decisions/0010-access-model.md) and a read-write
 * project API key for the Healthchecks-shaped API (`VIGIL_PROJECT_API_KEY`) and a read-only one for the project's
 * Prometheus metrics (`VIGIL_PROJECT_API_KEY_READONLY`) as shell assignments. Running it again changes nothing: a
 * token given in VIGIL_API_TOKEN and keys given in VIGIL_PROJECT_API_KEY(_READONLY) that are still valid are kept
 * (both are stored hashed, so only the caller can hand them back); otherwise new ones are made.
 * The owner signs in to the dashboard with `VIGIL_ADMIN_EMAIL` and `VIGIL_ADMIN_PASSWORD`: a password given in
 * VIGIL_ADMIN_PASSWORD that still matches is kept; otherwise one is generated (which ends the owner's sessions).
 */
const OWNER_EMAIL = 'owner@vigil.local';

async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = createDataSource(config, { poolSize: 1 });
  await dataSource.initialize();
  try {
    const lines = await dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(7331)');
      let organization = await manager.findOneBy(OrganizationEntity, { slug: 'default' });
      if (!organization) organization = await manager.save(manager.create(OrganizationEntity, { id: randomUUID(), slug: 'default', name: 'Default' }));
      let owner = await manager.findOneBy(MemberEntity, { organizationId: organization.id, email: OWNER_EMAIL });
      if (!owner)
        owner = await manager.save(
          manager.create(MemberEntity, { id: randomUUID(), organizationId: organization.id, email: OWNER_EMAIL, name: 'Owner', role: 'owner' }),
        );
      let project = await manager.findOneBy(ProjectEntity, { organizationId: organization.id, slug: 'default' });
      if (!project)
        project = await manager.save(
          manager.create(ProjectEntity, { organizationId: organization.id, slug: 'default', name: 'Default', pingKey: newPingKey() }),
        );
      let key = await manager.findOne(ProjectKeyEntity, { where: { projectId: project.id, revokedAt: IsNull() }, order: { id: 'ASC' } });
      if (!key)
        key = await manager.save(manager.create(ProjectKeyEntity, { projectId: project.id, publicKey: newPublicKey(), label: 'Default', revokedAt: null }));
      let token = process.env['VIGIL_API_TOKEN'];
      const known = token ? await manager.findOneBy(ApiTokenEntity, { tokenHash: hashSecret(token), organizationId: organization.id }) : null;
      if (!token || !known || known.revokedAt || known.scope !== 'write' || known.memberId !== owner.id) {
        token = newApiToken();
        await manager.save(
          manager.create(ApiTokenEntity, {
            id: randomUUID(),
            organizationId: organization.id,
            memberId: owner.id,
            name: 'make up',
            tokenHash: hashSecret(token),
            tokenPrefix: apiTokenPrefix(token),
            scope: 'write',
            revokedAt: null,
          }),
        );
      }
      // A read-write key for the Healthchecks API, and a read-only one for the project's Prometheus metrics.
      const projectApiKey = async (given: string | undefined, readOnly: boolean): Promise<string> => {
        const known = given ? await manager.findOneBy(ProjectApiKeyEntity, { keyHash: hashSecret(given), projectId: project.id }) : null;
        if (given && known && !known.revokedAt && known.readOnly === readOnly) return given;
        const made = newProjectApiKey(readOnly);
        await manager.save(
          manager.create(ProjectApiKeyEntity, {
            id: randomUUID(),
            projectId: project.id,
            name: readOnly ? 'make up (read-only)' : 'make up',
            keyHash: hashSecret(made),
            keyPrefix: projectApiKeyPrefix(made),
            readOnly,
            lastUsedAt: null,
            revokedAt: null,
          }),
        );
        return made;
      };
      const apiKey = await projectApiKey(process.env['VIGIL_PROJECT_API_KEY'], false);
      const readOnlyKey = await projectApiKey(process.env['VIGIL_PROJECT_API_KEY_READONLY'], true);
      let adminPassword = process.env['VIGIL_ADMIN_PASSWORD'];
      if (!adminPassword || !owner.passwordHash || !(await verifyPassword(adminPassword, owner.passwordHash))) {
        adminPassword = generatePassword();
        await manager.query('UPDATE members SET password_hash = $2 WHERE id = $1', [owner.id, await hashPassword(adminPassword)]);
        await manager.query('DELETE FROM web_sessions WHERE member_id = $1', [owner.id]);
      }
      const dsn = dsnFor(config.VIGIL_PUBLIC_INGEST_URL, key.publicKey, project.id);
      return {
        VIGIL_ORG: organization.slug,
        VIGIL_PROJECT: project.slug,
        VIGIL_PROJECT_ID: String(project.id),
        VIGIL_DSN: dsn,
        VIGIL_PING_KEY: project.pingKey,
        VIGIL_API_TOKEN: token,
        VIGIL_PROJECT_API_KEY: apiKey,
        VIGIL_PROJECT_API_KEY_READONLY: readOnlyKey,
        VIGIL_ADMIN_EMAIL: OWNER_EMAIL,
        VIGIL_ADMIN_PASSWORD: adminPassword,
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
