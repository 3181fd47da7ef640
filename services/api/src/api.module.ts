import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ClickHouseModule, PostgresModule, ServiceCoreModule } from '@vigil/bootstrap';
import { ClickHouse } from '@vigil/clickhouse';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { DataSource } from 'typeorm';
import { AlertRuleRepository } from './alert-rules/alert-rule.repository';
import { AlertRuleService } from './alert-rules/alert-rule.service';
import { AlertRulesController } from './alert-rules/alert-rules.controller';
import { ApiTokensController } from './api-tokens/api-tokens.controller';
import { TokenManagementRepository } from './api-tokens/token-management.repository';
import { ApiTokenRepository } from './auth/api-token.repository';
import { OrganizationAccess } from './auth/organization-access';
import { CheckinHistoryRepository } from './checkins/checkin-history.repository';
import { DeliveryReadRepository } from './deliveries/delivery-read.repository';
import { IssueDeliveriesController } from './deliveries/issue-deliveries.controller';
import { IntegrationRepository } from './integrations/integration.repository';
import { IntegrationsController } from './integrations/integrations.controller';
import { IssueReadRepository } from './issues/issue-read.repository';
import { IssueRunsRepository } from './issues/issue-runs.repository';
import { IssuesController } from './issues/issues.controller';
import { SendTestNotification } from './integrations/send-test-notification.usecase';
import { RequestValidationInterceptor } from './common/openapi/request-validation.interceptor';
import { MonitorEnvironmentRepository } from './monitor-environments/monitor-environment.repository';
import { MonitorEnvironmentsController } from './monitor-environments/monitor-environments.controller';
import { MonitorTimelineController } from './monitor-timeline/monitor-timeline.controller';
import { MonitorStatsRepository } from './monitor-stats/monitor-stats.repository';
import { MonitorsStatsController } from './monitor-stats/monitors-stats.controller';
import { MonitorsVersionController } from './monitors/monitors-version.controller';
import { MonitorsVersionRepository } from './monitors/monitors-version.repository';
import { TimelineRepository } from './monitor-timeline/timeline.repository';
import { MemberRepository } from './members/member.repository';
import { MemberService } from './members/member.service';
import { MembersController } from './members/members.controller';
import { CheckHistoryRepository } from './healthchecks/check-history.repository';
import { CheckRepository } from './healthchecks/check.repository';
import { HealthchecksChecks } from './healthchecks/healthchecks-checks.service';
import { HealthchecksController } from './healthchecks/healthchecks.controller';
import { ProjectKeyAccess } from './healthchecks/project-key-access';
import { ProjectKeyGuard } from './healthchecks/project-key.guard';
import { ProjectMetrics } from './healthchecks/project-metrics';
import { MonitorReadRepository } from './monitors/monitor-read.repository';
import { MonitorsController } from './monitors/monitors.controller';
import { ProjectMonitorsController } from './monitors/project-monitors.controller';
import { MonitorRepository } from './monitors/monitor.repository';
import { MonitorService } from './monitors/monitor.service';
import { OpenApiController, OpenApiDocumentHolder } from './openapi/openapi.controller';
import { ProcessingErrorRepository } from './processing-errors/processing-error.repository';
import { OrganizationController } from './organizations/organization.controller';
import { OrganizationRepository } from './organizations/organization.repository';
import { ProcessingErrorsController } from './processing-errors/processing-errors.controller';
import { ProjectKeyRepository } from './project-keys/project-key.repository';
import { ProjectKeysController } from './project-keys/project-keys.controller';
import { ProjectRepository } from './projects/project.repository';
import { OrganizationProjectsController, ProjectController } from './projects/projects.controller';
import { MemberTeamsController, OrganizationTeamsController, TeamController } from './teams/teams.controller';
import { TeamRepository } from './teams/team.repository';
import { ProjectApiKeyRepository } from './project-api-keys/project-api-key.repository';
import { ProjectApiKeysController } from './project-api-keys/project-api-keys.controller';

@Module({})
export class ApiModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [ServiceCoreModule.forRoot(config, logger), PostgresModule, ClickHouseModule],
      controllers: [
        OpenApiController,
        MonitorsController,
        ProjectMonitorsController,
        MonitorEnvironmentsController,
        MonitorTimelineController,
        MonitorsStatsController,
        MonitorsVersionController,
        ProcessingErrorsController,
        IntegrationsController,
        AlertRulesController,
        IssuesController,
        IssueDeliveriesController,
        OrganizationController,
        OrganizationProjectsController,
        ProjectController,
        ProjectKeysController,
        ApiTokensController,
        MembersController,
        OrganizationTeamsController,
        TeamController,
        MemberTeamsController,
        ProcessingErrorsController,
        IntegrationsController,
        AlertRulesController,
        IssueDeliveriesController,
        ProjectApiKeysController,
        HealthchecksController,
      ],
      providers: [
        { provide: APP_INTERCEPTOR, useClass: RequestValidationInterceptor },
        OpenApiDocumentHolder,
        ApiTokenRepository,
        OrganizationAccess,
        MonitorReadRepository,
        MonitorRepository,
        MonitorService,
        { provide: CheckinHistoryRepository, useFactory: (clickhouse: ClickHouse) => new CheckinHistoryRepository(clickhouse), inject: [ClickHouse] },
        { provide: ProcessingErrorRepository, useFactory: (clickhouse: ClickHouse) => new ProcessingErrorRepository(clickhouse), inject: [ClickHouse] },
        IntegrationRepository,
        AlertRuleRepository,
        AlertRuleService,
        DeliveryReadRepository,
        SendTestNotification,
        IssueReadRepository,
        // Plain classes (no Nest), so integration tests run them on real ClickHouse.
        { provide: IssueRunsRepository, useFactory: (clickhouse: ClickHouse) => new IssueRunsRepository(clickhouse), inject: [ClickHouse] },
        { provide: MonitorStatsRepository, useFactory: (clickhouse: ClickHouse) => new MonitorStatsRepository(clickhouse), inject: [ClickHouse] },
        {
          provide: MonitorsVersionRepository,
          useFactory: (clickhouse: ClickHouse, dataSource: DataSource) => new MonitorsVersionRepository(clickhouse, dataSource),
          inject: [ClickHouse, DataSource],
        },
        { provide: TimelineRepository, useFactory: (clickhouse: ClickHouse) => new TimelineRepository(clickhouse), inject: [ClickHouse] },
        {
          provide: MonitorEnvironmentRepository,
          useFactory: (clickhouse: ClickHouse, dataSource: DataSource) => new MonitorEnvironmentRepository(clickhouse, dataSource),
          inject: [ClickHouse, DataSource],
        },
        OrganizationRepository,
        ProjectRepository,
        ProjectKeyRepository,
        TokenManagementRepository,
        MemberRepository,
        MemberService,
        TeamRepository,
        ProjectApiKeyRepository,
        ProjectKeyAccess,
        ProjectKeyGuard,
        CheckRepository,
        { provide: CheckHistoryRepository, useFactory: (clickhouse: ClickHouse) => new CheckHistoryRepository(clickhouse), inject: [ClickHouse] },
        HealthchecksChecks,
        ProjectMetrics,
      ],
    };
  }
}
