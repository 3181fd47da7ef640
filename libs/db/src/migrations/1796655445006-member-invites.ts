import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MemberInvites1796655445006 implements MigrationInterface {
  name = 'MemberInvites1796655445006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "member_invites" ("id" uuid NOT NULL, "member_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_c3faecffc71a3b7b6c0b9dc1dd7" UNIQUE ("token_hash"), CONSTRAINT "PK_a212d4e4ebed348ef682b931257" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_member_invites_member" ON "member_invites"  ("member_id") `);
    await queryRunner.query(
      `ALTER TABLE "member_invites" ADD CONSTRAINT "FK_d382346866ddf2a1fc5b6f765fb" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "member_invites" DROP CONSTRAINT "FK_d382346866ddf2a1fc5b6f765fb"`);
    await queryRunner.query(`DROP INDEX "public"."ix_member_invites_member"`);
    await queryRunner.query(`DROP TABLE "member_invites"`);
  }
}
