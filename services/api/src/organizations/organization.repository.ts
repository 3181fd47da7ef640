import { Inject, Injectable } from '@nestjs/common';
import { OrganizationEntity } from '@vigil/db';
import { DataSource } from 'typeorm';

@Injectable()
export class OrganizationRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  find(id: string): Promise<OrganizationEntity | null> {
    return this.dataSource.getRepository(OrganizationEntity).findOneBy({ id });
  }
}
