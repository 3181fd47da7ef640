import { Initial1795315174932 } from './1795315174932-initial';
import { ConfigChangeNotify1795900000000 } from './1795900000000-config-change-notify';
import { MonitorPauseAndGraceTimeout1795910000000 } from './1795910000000-monitor-pause-and-grace-timeout';
import { Issues1795920000000 } from './1795920000000-issues';
import { Notifications1795930000000 } from './1795930000000-notifications';
import { AccessModel1795940000000 } from './1795940000000-access-model';
import { HealthchecksApi1795950000000 } from './1795950000000-healthchecks-api';
import { IssuesByOrganization1795970000000 } from './1795970000000-issues-by-organization';
import { MonitorEnvironmentDrops1795980000000 } from './1795980000000-monitor-environment-drops';
import { DeliveryRetention1795995000000 } from './1795995000000-delivery-retention';
import { DashboardSignIn1796100000000 } from './1796100000000-dashboard-sign-in';
import { MemberInvites1796655445006 } from './1796655445006-member-invites';

/** Every migration in order. Generate a new one with `npm run db:migration:generate -- <name>` and list it here. */
export const MIGRATIONS = [
  Initial1795315174932,
  ConfigChangeNotify1795900000000,
  MonitorPauseAndGraceTimeout1795910000000,
  Issues1795920000000,
  Notifications1795930000000,
  AccessModel1795940000000,
  HealthchecksApi1795950000000,
  IssuesByOrganization1795970000000,
  MonitorEnvironmentDrops1795980000000,
  DeliveryRetention1795995000000,
  DashboardSignIn1796100000000,
  MemberInvites1796655445006,
];
