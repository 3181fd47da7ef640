import { ApiTokenEntity } from './api-token.entity';
import { IssueTrackEntity } from './issue-track.entity';
import { IssueEntity } from './issue.entity';
import { MonitorEnvironmentEntity } from './monitor-environment.entity';
import { MonitorEntity } from './monitor.entity';
import { OrganizationEntity } from './organization.entity';
import { ProjectKeyEntity } from './project-key.entity';
import { ProjectEntity } from './project.entity';

export * from './api-token.entity';
export * from './issue-track.entity';
export * from './issue.entity';
export * from './monitor-environment.entity';
export * from './monitor.entity';
export * from './organization.entity';
export * from './project-key.entity';
export * from './project.entity';

export const ENTITIES = [OrganizationEntity, ProjectEntity, ProjectKeyEntity, ApiTokenEntity, MonitorEntity, MonitorEnvironmentEntity, IssueEntity, IssueTrackEntity];
