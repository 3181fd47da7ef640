import { ApiTokenEntity } from './api-token.entity';
import { MonitorEntity } from './monitor.entity';
import { OrganizationEntity } from './organization.entity';
import { ProjectKeyEntity } from './project-key.entity';
import { ProjectEntity } from './project.entity';

export * from './api-token.entity';
export * from './monitor.entity';
export * from './organization.entity';
export * from './project-key.entity';
export * from './project.entity';

export const ENTITIES = [OrganizationEntity, ProjectEntity, ProjectKeyEntity, ApiTokenEntity, MonitorEntity];
