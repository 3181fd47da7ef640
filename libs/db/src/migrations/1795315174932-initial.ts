import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795315174932 implements MigrationInterface {
  name = 'Initial1795315174932';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organizations" ("id" uuid NOT NULL, "slug" character varying(50) NOT NULL, "name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_963693341bd612aa01ddf3a4b68" UNIQUE ("slug"), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "api_tokens" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "token_hash" character(64) NOT NULL, "scope" character varying(8) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_bbd687a104e1921e6702c6e3aad" UNIQUE ("token_hash"), CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_api_tokens_organization" ON "api_tokens"  ("organization_id") `);
    await queryRunner.query(
      `CREATE TABLE "projects" ("id" SERIAL NOT NULL, "organization_id" uuid NOT NULL, "slug" character varying(50) NOT NULL, "name" character varying(100) NOT NULL, "ping_key" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_0bb7145673f5ab0af93988aa0d2" UNIQUE ("ping_key"), CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_projects_org_slug" ON "projects"  ("organization_id", "slug") `);
    await queryRunner.query(
      `CREATE TABLE "monitors" ("id" uuid NOT NULL, "project_id" integer NOT NULL, "slug" character varying(50) NOT NULL, "name" character varying(128) NOT NULL, "ping_uuid" uuid NOT NULL, "schedule_type" character varying(16) NOT NULL, "schedule_crontab" character varying(256), "schedule_interval_value" integer, "schedule_interval_unit" character varying(8), "checkin_margin" integer, "max_runtime" integer, "failure_issue_threshold" integer NOT NULL DEFAULT '1', "recovery_threshold" integer NOT NULL DEFAULT '1', "timezone" character varying(64) NOT NULL DEFAULT 'UTC', "owner" character varying(255), "status" character varying(16) NOT NULL DEFAULT 'active', "is_muted" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_df56bc5276266b371ec5e56f35d" UNIQUE ("ping_uuid"), CONSTRAINT "PK_193902e2013887310490284cdbe" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_monitors_project_slug" ON "monitors"  ("project_id", "slug") `);
    await queryRunner.query(
      `CREATE TABLE "project_keys" ("id" SERIAL NOT NULL, "project_id" integer NOT NULL, "public_key" character varying(64) NOT NULL, "label" character varying(100) NOT NULL DEFAULT 'Default', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_f69ff6f4e8233f13e6a4d8d9d54" UNIQUE ("public_key"), CONSTRAINT "PK_d2e1e3eff85951bd6cbc3f446f8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_project_keys_project" ON "project_keys"  ("project_id") `);
    await queryRunner.query(
      `ALTER TABLE "api_tokens" ADD CONSTRAINT "FK_82b1830617163ff0ea221d0b98b" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "projects" ADD CONSTRAINT "FK_585c8ce06628c70b70100bfb842" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "monitors" ADD CONSTRAINT "FK_7fb539d16099baaa987162f3039" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "project_keys" ADD CONSTRAINT "FK_8350c01bda6cd054a653edd010d" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "project_keys" DROP CONSTRAINT "FK_8350c01bda6cd054a653edd010d"`);
    await queryRunner.query(`ALTER TABLE "monitors" DROP CONSTRAINT "FK_7fb539d16099baaa987162f3039"`);
    await queryRunner.query(`ALTER TABLE "projects" DROP CONSTRAINT "FK_585c8ce06628c70b70100bfb842"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_82b1830617163ff0ea221d0b98b"`);
    await queryRunner.query(`DROP INDEX "public"."ix_project_keys_project"`);
    await queryRunner.query(`DROP TABLE "project_keys"`);
    await queryRunner.query(`DROP INDEX "public"."uq_monitors_project_slug"`);
    await queryRunner.query(`DROP TABLE "monitors"`);
    await queryRunner.query(`DROP INDEX "public"."uq_projects_org_slug"`);
    await queryRunner.query(`DROP TABLE "projects"`);
    await queryRunner.query(`DROP INDEX "public"."ix_api_tokens_organization"`);
    await queryRunner.query(`DROP TABLE "api_tokens"`);
    await queryRunner.query(`DROP TABLE "organizations"`);
  }
}
