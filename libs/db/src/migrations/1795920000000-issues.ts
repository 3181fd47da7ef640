import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The issues service's tables (issue #5): `issues` (at most one open per monitor-environment, by a partial
 * unique index), `issue_tracks` (the counting state and the position in `vigil.run-results.v1`, committed with
 * the issues) and `monitor_environments` (per-environment mute).
 */
export class Issues1795920000000 implements MigrationInterface {
  name = 'Issues1795920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "issues" ("id" uuid NOT NULL, "organization_id" uuid NOT NULL, "project_id" integer NOT NULL, "monitor_id" uuid NOT NULL, "environment" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, "failure_count" integer NOT NULL, "opening_checkin_id" uuid NOT NULL, "opening_status" character varying(16) NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_failure_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolving_checkin_id" uuid, "resolved_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_issues_opening_status" CHECK ("opening_status" IN ('error', 'missed', 'timeout')), CONSTRAINT "chk_issues_status" CHECK ("status" IN ('open', 'resolved')), CONSTRAINT "PK_9d8ecbbeff46229c700f0449257" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_issues_track_opened" ON "issues"  ("monitor_id", "environment", "opened_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_issues_open_per_track" ON "issues"  ("monitor_id", "environment") WHERE "status" = 'open'`);
    await queryRunner.query(
      `CREATE TABLE "issue_tracks" ("monitor_id" uuid NOT NULL, "environment" character varying(64) NOT NULL, "consecutive_failures" integer NOT NULL DEFAULT '0', "consecutive_oks" integer NOT NULL DEFAULT '0', "open_issue_id" uuid, "last_partition" integer, "last_offset" bigint, "recent_results" bigint array NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b48579c7be969d00ad0f2cd3d2a" PRIMARY KEY ("monitor_id", "environment"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "monitor_environments" ("monitor_id" uuid NOT NULL, "environment" character varying(64) NOT NULL, "is_muted" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5d5953729f3f30e991eacf6fbe4" PRIMARY KEY ("monitor_id", "environment"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "issues" ADD CONSTRAINT "FK_99ade1575f192df463fabc19020" FOREIGN KEY ("monitor_id") REFERENCES "monitors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "issue_tracks" ADD CONSTRAINT "FK_b65e09a180307901d40cff87e6a" FOREIGN KEY ("monitor_id") REFERENCES "monitors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "issue_tracks" ADD CONSTRAINT "FK_c1be661149e5623d1e0ad050a90" FOREIGN KEY ("open_issue_id") REFERENCES "issues"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "monitor_environments" ADD CONSTRAINT "FK_67c11317510dc0ac48f53b1bbe5" FOREIGN KEY ("monitor_id") REFERENCES "monitors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "monitor_environments" DROP CONSTRAINT "FK_67c11317510dc0ac48f53b1bbe5"`);
    await queryRunner.query(`ALTER TABLE "issue_tracks" DROP CONSTRAINT "FK_c1be661149e5623d1e0ad050a90"`);
    await queryRunner.query(`ALTER TABLE "issue_tracks" DROP CONSTRAINT "FK_b65e09a180307901d40cff87e6a"`);
    await queryRunner.query(`ALTER TABLE "issues" DROP CONSTRAINT "FK_99ade1575f192df463fabc19020"`);
    await queryRunner.query(`DROP TABLE "monitor_environments"`);
    await queryRunner.query(`DROP TABLE "issue_tracks"`);
    await queryRunner.query(`DROP INDEX "public"."uq_issues_open_per_track"`);
    await queryRunner.query(`DROP INDEX "public"."ix_issues_track_opened"`);
    await queryRunner.query(`DROP TABLE "issues"`);
  }
}
