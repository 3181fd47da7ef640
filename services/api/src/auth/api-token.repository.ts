import { Inject, Injectable } from '@nestjs/common';
import { hashSecret, type ApiTokenScope } from '@vigil/db';
import { DataSource } from 'typeorm';

export interface TokenGrant {
  organizationId: string;
  organizationSlug: string;
  scope: ApiTokenScope;
}

@Injectable()
export class ApiTokenRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The organization a live token belongs to, found by the token's hash. */
  async findGrant(token: string): Promise<TokenGrant | null> {
    const rows: Array<{ organization_id: string; slug: string; scope: ApiTokenScope }> = await this.dataSource.query(
      `SELECT t.organization_id, o.slug, t.scope FROM api_tokens t JOIN organizations o ON o.id = t.organization_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [hashSecret(token)],
    );
    const row = rows[0];
    return row ? { organizationId: row.organization_id, organizationSlug: row.slug, scope: row.scope } : null;
  }
}
