import { Inject, Injectable } from '@nestjs/common';
import { apiTokenPrefix, ApiTokenEntity, hashSecret, newApiToken, type ApiTokenScope, type MemberRole } from '@vigil/db';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';

/** A live token as listed: never its secret, which only its hash can be checked against. */
export interface ApiTokenView {
  token: ApiTokenEntity;
  member: { id: string; email: string; role: MemberRole } | null;
}

/** Creating, listing and revoking an organization's API tokens (looking one up per request: `ApiTokenRepository`). */
@Injectable()
export class TokenManagementRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(organizationId: string): Promise<ApiTokenView[]> {
    const tokens = await this.dataSource.getRepository(ApiTokenEntity).find({
      where: { organizationId, revokedAt: IsNull() },
      relations: { member: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return tokens.map((token) => this.view(token));
  }

  async find(organizationId: string, id: string): Promise<ApiTokenView | null> {
    const token = await this.dataSource
      .getRepository(ApiTokenEntity)
      .findOne({ where: { organizationId, id, revokedAt: IsNull() }, relations: { member: true } });
    return token ? this.view(token) : null;
  }

  /** Makes a token and answers it with its secret, which is not kept: only its SHA-256 and prefix are stored. */
  async create(organizationId: string, values: { name: string; scope: ApiTokenScope; memberId: string | null }): Promise<{ secret: string; id: string }> {
    const secret = newApiToken();
    const id = randomUUID();
    const repository = this.dataSource.getRepository(ApiTokenEntity);
    await repository.insert(
      repository.create({
        id,
        organizationId,
        memberId: values.memberId,
        name: values.name,
        scope: values.scope,
        tokenHash: hashSecret(secret),
        tokenPrefix: apiTokenPrefix(secret),
        revokedAt: null,
        lastUsedAt: null,
      }),
    );
    return { secret, id };
  }

  /** The token stops working at its next request (tokens are looked up per request, never cached). */
  async revoke(organizationId: string, id: string): Promise<void> {
    await this.dataSource.getRepository(ApiTokenEntity).update({ organizationId, id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }

  private view(token: ApiTokenEntity): ApiTokenView {
    const member = token.member ? { id: token.member.id, email: token.member.email, role: token.member.role } : null;
    return { token, member };
  }
}
