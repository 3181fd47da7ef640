import { AlertRuleEntity } from './alert-rule.entity';
import { ApiTokenEntity } from './api-token.entity';
import { DeliveryAttemptEntity } from './delivery-attempt.entity';
import { DeliveryEntity } from './delivery.entity';
import { IntegrationEntity } from './integration.entity';
import { IssueTrackEntity } from './issue-track.entity';
import { IssueEntity } from './issue.entity';
import { MemberInviteEntity } from './member-invite.entity';
import { MemberEntity } from './member.entity';
import { MonitorEnvironmentEntity } from './monitor-environment.entity';
import { MonitorEntity } from './monitor.entity';
import { OrganizationEntity } from './organization.entity';
import { ProjectApiKeyEntity } from './project-api-key.entity';
import { ProjectKeyEntity } from './project-key.entity';
import { ProjectEntity } from './project.entity';
import { SignInFailureEntity } from './sign-in-failure.entity';
import { TeamMemberEntity } from './team-member.entity';
import { TeamEntity } from './team.entity';
import { WebSessionEntity } from './web-session.entity';

export * from './alert-rule.entity';
export * from './api-token.entity';
export * from './delivery-attempt.entity';
export * from './delivery.entity';
export * from './integration.entity';
export * from './issue-track.entity';
export * from './issue.entity';
export * from './member-invite.entity';
export * from './member.entity';
export * from './monitor-environment.entity';
export * from './monitor.entity';
export * from './organization.entity';
export * from './project-api-key.entity';
export * from './project-key.entity';
export * from './project.entity';
export * from './sign-in-failure.entity';
export * from './team-member.entity';
export * from './team.entity';
export * from './web-session.entity';

export const ENTITIES = [
  OrganizationEntity,
  ProjectEntity,
  ProjectKeyEntity,
  ProjectApiKeyEntity,
  MemberEntity,
  TeamEntity,
  TeamMemberEntity,
  ApiTokenEntity,
  MonitorEntity,
  MonitorEnvironmentEntity,
  IssueEntity,
  IssueTrackEntity,
  IntegrationEntity,
  AlertRuleEntity,
  DeliveryEntity,
  DeliveryAttemptEntity,
  WebSessionEntity,
  SignInFailureEntity,
  MemberInviteEntity,
];
