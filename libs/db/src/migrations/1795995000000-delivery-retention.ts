import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finished deliveries by when they finished: the notifier's retention job (VIGIL_RETENTION_DAYS) deletes the
 * oldest in bounded batches, each found through this partial index instead of a scan of every delivery.
 */
export class DeliveryRetention1795995000000 implements MigrationInterface {
  name = 'DeliveryRetention1795995000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_deliveries_finished" ON "deliveries" ("updated_at") WHERE "status" IN ('succeeded', 'dead')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_deliveries_finished"`);
  }
}
