import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DashboardSignIn1796100000000 implements MigrationInterface {
  name = 'DashboardSignIn1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sign_in_failures" ("id" BIGSERIAL NOT NULL, "subject" character varying(300) NOT NULL, "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fa4e2048c06590424ef01bfd171" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_sign_in_failures_subject_at" ON "sign_in_failures"  ("subject", "failed_at") `);
    await queryRunner.query(
      `CREATE TABLE "web_sessions" ("id" uuid NOT NULL, "member_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_6959865ff07869ea46a236b221a" UNIQUE ("token_hash"), CONSTRAINT "PK_3ae6bbf6cb5ac95b7f617d395d3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_web_sessions_member" ON "web_sessions"  ("member_id") `);
    await queryRunner.query(`CREATE INDEX "ix_web_sessions_expires" ON "web_sessions"  ("expires_at") `);
    await queryRunner.query(`ALTER TABLE "members" ADD "password_hash" character varying(255)`);
    await queryRunner.query(
      `ALTER TABLE "web_sessions" ADD CONSTRAINT "FK_575308ebe8267d38d495fa454d3" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "web_sessions" DROP CONSTRAINT "FK_575308ebe8267d38d495fa454d3"`);
    await queryRunner.query(`ALTER TABLE "members" DROP COLUMN "password_hash"`);
    await queryRunner.query(`DROP INDEX "public"."ix_web_sessions_expires"`);
    await queryRunner.query(`DROP INDEX "public"."ix_web_sessions_member"`);
    await queryRunner.query(`DROP TABLE "web_sessions"`);
    await queryRunner.query(`DROP INDEX "public"."ix_sign_in_failures_subject_at"`);
    await queryRunner.query(`DROP TABLE "sign_in_failures"`);
  }
}
