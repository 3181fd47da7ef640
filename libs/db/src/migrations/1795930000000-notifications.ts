import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notifier's tables (#5): integrations (channel configs, credentials inside), alert rules (which transitions
 * of a project or monitor go to which integration), deliveries (the exactly-once ledger, one row per issue
 * transition and integration) and their attempts. See docs/decisions/0009-notification-delivery.md.
 */
export class Notifications1795930000000 implements MigrationInterface {
  name = 'Notifications1795930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "integrations" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "type" character varying(16) NOT NULL, "config" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_integrations_type" CHECK ("type" IN ('email', 'slack', 'pagerduty', 'webhook')), CONSTRAINT "PK_9adcdc6d6f3922535361ce641e8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_integrations_organization" ON "integrations"  ("organization_id") `);
    await queryRunner.query(
      `CREATE TABLE "alert_rules" ("id" uuid NOT NULL, "project_id" integer NOT NULL, "monitor_id" uuid, "integration_id" uuid NOT NULL, "environments" text array, "on_open" boolean NOT NULL DEFAULT true, "on_resolve" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ae580564f087ffab9d229225aec" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_alert_rules_project" ON "alert_rules"  ("project_id") `);
    await queryRunner.query(`CREATE INDEX "ix_alert_rules_monitor" ON "alert_rules"  ("monitor_id") `);
    await queryRunner.query(`CREATE INDEX "ix_alert_rules_integration" ON "alert_rules"  ("integration_id") `);
    await queryRunner.query(
      `CREATE TABLE "deliveries" ("id" uuid NOT NULL, "idempotency_key" character varying(400) NOT NULL, "integration_id" uuid NOT NULL, "issue_id" uuid, "event_id" character varying(300), "kind" character varying(16) NOT NULL, "alert" jsonb NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "dead_reason" character varying(16), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_4c4d00f6b3dcf1dd8ffab2bec36" UNIQUE ("idempotency_key"), CONSTRAINT "chk_deliveries_status" CHECK ("status" IN ('pending', 'sending', 'succeeded', 'dead')), CONSTRAINT "chk_deliveries_kind" CHECK ("kind" IN ('opened', 'resolved', 'test')), CONSTRAINT "PK_a6ef225c5c5f0974e503bfb731f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_deliveries_issue" ON "deliveries"  ("issue_id") `);
    await queryRunner.query(`CREATE INDEX "ix_deliveries_integration" ON "deliveries"  ("integration_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_deliveries_due" ON "deliveries"  ("status", "next_attempt_at") `);
    await queryRunner.query(
      `CREATE TABLE "delivery_attempts" ("id" uuid NOT NULL, "delivery_id" uuid NOT NULL, "attempt" integer NOT NULL, "outcome" character varying(16), "status_code" integer, "error_code" character varying(32), "error" character varying(1024), "target" character varying(300), "response" character varying(1024), "duration_ms" integer, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chk_delivery_attempts_outcome" CHECK ("outcome" IS NULL OR "outcome" IN ('delivered', 'retryable', 'permanent', 'interrupted')), CONSTRAINT "PK_41eba4eb5401d72860f7cd9a7ac" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_delivery_attempts_delivery_attempt" ON "delivery_attempts"  ("delivery_id", "attempt") `);
    await queryRunner.query(
      `ALTER TABLE "integrations" ADD CONSTRAINT "FK_2b83d3671eccf9da46693130ced" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "alert_rules" ADD CONSTRAINT "FK_b8b67782158e1ea243e42582cdf" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "alert_rules" ADD CONSTRAINT "FK_cb88f11714a9ba5ea75a079d0ff" FOREIGN KEY ("monitor_id") REFERENCES "monitors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "alert_rules" ADD CONSTRAINT "FK_e3057a5d1e96e28e6c4ca19edbd" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "deliveries" ADD CONSTRAINT "FK_edacd2129d09b4d4a1057a97911" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "delivery_attempts" ADD CONSTRAINT "FK_a9d7e7212c87084249a641ab455" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "delivery_attempts" DROP CONSTRAINT "FK_a9d7e7212c87084249a641ab455"`);
    await queryRunner.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "FK_edacd2129d09b4d4a1057a97911"`);
    await queryRunner.query(`ALTER TABLE "alert_rules" DROP CONSTRAINT "FK_e3057a5d1e96e28e6c4ca19edbd"`);
    await queryRunner.query(`ALTER TABLE "alert_rules" DROP CONSTRAINT "FK_cb88f11714a9ba5ea75a079d0ff"`);
    await queryRunner.query(`ALTER TABLE "alert_rules" DROP CONSTRAINT "FK_b8b67782158e1ea243e42582cdf"`);
    await queryRunner.query(`ALTER TABLE "integrations" DROP CONSTRAINT "FK_2b83d3671eccf9da46693130ced"`);
    await queryRunner.query(`DROP INDEX "public"."uq_delivery_attempts_delivery_attempt"`);
    await queryRunner.query(`DROP TABLE "delivery_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."ix_deliveries_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_deliveries_integration"`);
    await queryRunner.query(`DROP INDEX "public"."ix_deliveries_issue"`);
    await queryRunner.query(`DROP TABLE "deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."ix_alert_rules_integration"`);
    await queryRunner.query(`DROP INDEX "public"."ix_alert_rules_monitor"`);
    await queryRunner.query(`DROP INDEX "public"."ix_alert_rules_project"`);
    await queryRunner.query(`DROP TABLE "alert_rules"`);
    await queryRunner.query(`DROP INDEX "public"."ix_integrations_organization"`);
    await queryRunner.query(`DROP TABLE "integrations"`);
  }
}
