import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The API's issue list: an organization's issues newest first, paged by (opened_at, id). */
export class IssuesByOrganization1795970000000 implements MigrationInterface {
  name = 'IssuesByOrganization1795970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_issues_organization_opened" ON "issues"  ("organization_id", "opened_at", "id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_issues_organization_opened"`);
  }
}
