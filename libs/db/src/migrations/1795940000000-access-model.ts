import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access model (#6): members with an organization role, teams and their members, and personal API tokens
 * (`api_tokens.member_id`) next to organization tokens; tokens keep a shown prefix and when they were last used.
 * See docs/decisions/0010-access-model.md.
 */
export class AccessModel1795940000000 implements MigrationInterface {
  name = 'AccessModel1795940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "members" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "email" character varying(254) NOT NULL, "name" character varying(100) NOT NULL, "role" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_members_role" CHECK ("role" IN ('owner', 'admin', 'member', 'read-only')), CONSTRAINT "PK_28b53062261b996d9c99fa12404" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_members_organization_email" ON "members"  ("organization_id", "email") `);
    await queryRunner.query(
      `CREATE TABLE "teams" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "slug" character varying(50) NOT NULL, "name" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e5523774a38b08a6236d322403" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_teams_organization_slug" ON "teams"  ("organization_id", "slug") `);
    await queryRunner.query(
      `CREATE TABLE "team_members" ("team_id" uuid NOT NULL, "member_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3bd1f5c198d0b5c15d775691457" PRIMARY KEY ("team_id", "member_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_team_members_member" ON "team_members"  ("member_id") `);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "member_id" uuid`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "token_prefix" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "last_used_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "ix_api_tokens_member" ON "api_tokens"  ("member_id") `);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD CONSTRAINT "chk_api_tokens_scope" CHECK ("scope" IN ('read', 'write'))`);
    await queryRunner.query(
      `ALTER TABLE "members" ADD CONSTRAINT "FK_40c051286e8db5b4613ecb3035a" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_tokens" ADD CONSTRAINT "FK_bb2ac5a8027831a22eee069adfe" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "teams" ADD CONSTRAINT "FK_fdc736f761896ccc179c823a785" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "team_members" ADD CONSTRAINT "FK_fdad7d5768277e60c40e01cdcea" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "team_members" ADD CONSTRAINT "FK_3c531250af4b2d54e871bb30771" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "team_members" DROP CONSTRAINT "FK_3c531250af4b2d54e871bb30771"`);
    await queryRunner.query(`ALTER TABLE "team_members" DROP CONSTRAINT "FK_fdad7d5768277e60c40e01cdcea"`);
    await queryRunner.query(`ALTER TABLE "teams" DROP CONSTRAINT "FK_fdc736f761896ccc179c823a785"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_bb2ac5a8027831a22eee069adfe"`);
    await queryRunner.query(`ALTER TABLE "members" DROP CONSTRAINT "FK_40c051286e8db5b4613ecb3035a"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "chk_api_tokens_scope"`);
    await queryRunner.query(`DROP INDEX "public"."ix_api_tokens_member"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP COLUMN "last_used_at"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP COLUMN "token_prefix"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP COLUMN "member_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_team_members_member"`);
    await queryRunner.query(`DROP TABLE "team_members"`);
    await queryRunner.query(`DROP INDEX "public"."uq_teams_organization_slug"`);
    await queryRunner.query(`DROP TABLE "teams"`);
    await queryRunner.query(`DROP INDEX "public"."uq_members_organization_email"`);
    await queryRunner.query(`DROP TABLE "members"`);
  }
}
