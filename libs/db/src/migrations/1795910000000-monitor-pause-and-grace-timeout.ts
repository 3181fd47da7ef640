import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MonitorPauseAndGraceTimeout1795910000000 implements MigrationInterface {
  name = 'MonitorPauseAndGraceTimeout1795910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "monitors" ADD "timeout_from_margin" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "monitors" ADD CONSTRAINT "chk_monitors_status" CHECK ("status" IN ('active', 'paused', 'disabled'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "monitors" DROP CONSTRAINT "chk_monitors_status"`);
    await queryRunner.query(`ALTER TABLE "monitors" DROP COLUMN "timeout_from_margin"`);
  }
}
