import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Healthchecks-shaped API (#6): per-project API keys (`project_api_keys`, read-write or read-only, stored
 * hashed, revocable) and the Healthchecks check fields Vigil's monitors did not have: `tags`, `description`
 * (Healthchecks' `desc`) and `manual_resume`.
 */
export class HealthchecksApi1795950000000 implements MigrationInterface {
  name = 'HealthchecksApi1795950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "project_api_keys" ("id" uuid NOT NULL, "project_id" integer NOT NULL, "name" character varying(100) NOT NULL, "key_hash" character(64) NOT NULL, "key_prefix" character varying(16) NOT NULL, "read_only" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_254bd231fc5d2fa36028c42bf69" UNIQUE ("key_hash"), CONSTRAINT "PK_6b718d83bcf591e6a9ae5ab7fec" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_project_api_keys_project" ON "project_api_keys"  ("project_id") `);
    await queryRunner.query(`ALTER TABLE "monitors" ADD "tags" character varying(500) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "monitors" ADD "description" text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "monitors" ADD "manual_resume" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `ALTER TABLE "project_api_keys" ADD CONSTRAINT "FK_2b9133a420211553f6b882c6c9b" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "project_api_keys" DROP CONSTRAINT "FK_2b9133a420211553f6b882c6c9b"`);
    await queryRunner.query(`ALTER TABLE "monitors" DROP COLUMN "manual_resume"`);
    await queryRunner.query(`ALTER TABLE "monitors" DROP COLUMN "description"`);
    await queryRunner.query(`ALTER TABLE "monitors" DROP COLUMN "tags"`);
    await queryRunner.query(`DROP INDEX "public"."ix_project_api_keys_project"`);
    await queryRunner.query(`DROP TABLE "project_api_keys"`);
  }
}
