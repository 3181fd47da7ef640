import { Inject, Injectable } from '@nestjs/common';
import { MonitorEntity } from '@vigil/db';
import { DataSource } from 'typeorm';

export interface MonitorWithProject {
  monitor: MonitorEntity;
  projectSlug: string;
}

@Injectable()
export class MonitorReadRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(organizationId: string): Promise<MonitorWithProject[]> {
    const monitors = await this.dataSource
      .getRepository(MonitorEntity)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.project', 'p')
      .where('p.organizationId = :organizationId', { organizationId })
      .orderBy('m.slug', 'ASC')
      .getMany();
    return monitors.map((monitor) => ({ monitor, projectSlug: monitor.project?.slug ?? '' }));
  }

  async findBySlug(organizationId: string, slug: string): Promise<MonitorWithProject | null> {
    const monitor = await this.dataSource
      .getRepository(MonitorEntity)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.project', 'p')
      .where('p.organizationId = :organizationId AND m.slug = :slug', { organizationId, slug })
      .orderBy('p.id', 'ASC')
      .getOne();
    return monitor ? { monitor, projectSlug: monitor.project?.slug ?? '' } : null;
  }
}
