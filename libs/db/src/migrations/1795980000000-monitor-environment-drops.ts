import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an environment of a monitor was last dropped (`DELETE .../monitors/<slug>/?environment=`): the scheduler
 * forgets that track and ignores check-ins received at or before it (decision 0018).
 */
export class MonitorEnvironmentDrops1795980000000 implements MigrationInterface {
  name = 'MonitorEnvironmentDrops1795980000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "monitor_environments" ADD "dropped_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "monitor_environments" DROP COLUMN "dropped_at"`);
  }
}
