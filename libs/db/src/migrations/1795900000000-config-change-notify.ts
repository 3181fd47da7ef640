import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every committed change to projects, DSN keys and monitors is announced on the `vigil_config_changes`
 * channel (see `ConfigChangeListener`), so services that keep an in-memory view of them (ingest's hot path,
 * the scheduler) see a new monitor or a revoked key at once instead of polling Postgres.
 */
export class ConfigChangeNotify1795900000000 implements MigrationInterface {
  name = 'ConfigChangeNotify1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION vigil_notify_config_change() RETURNS trigger AS $$
      DECLARE
        changed_id text;
      BEGIN
        IF TG_OP = 'DELETE' THEN changed_id := OLD.id::text; ELSE changed_id := NEW.id::text; END IF;
        PERFORM pg_notify('vigil_config_changes', json_build_object('table', TG_TABLE_NAME, 'op', TG_OP, 'id', changed_id)::text);
        RETURN NULL;
      END
      $$ LANGUAGE plpgsql`);
    for (const table of ['projects', 'project_keys', 'monitors']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_notify_change AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION vigil_notify_config_change()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['projects', 'project_keys', 'monitors']) await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_notify_change ON ${table}`);
    await queryRunner.query('DROP FUNCTION IF EXISTS vigil_notify_config_change()');
  }
}
