import { ACCOUNT_TEMPLATES } from './account-templates';
import { ALERT_TEMPLATES } from './alerts-templates';
import { SETTINGS_TEMPLATES } from './settings-templates';
import { STATUS_PAGE } from './status-templates';
import { DELIVERIES, ISSUE_PAGE, ISSUES_PAGE } from './issues-templates';

/** The templates of the pages beyond monitors (issues, alerts, settings, account, status), by the name pages render them with. */
export const PAGE_TEMPLATES: Record<string, string> = {
  '@deliveries': DELIVERIES,
  '@issues': ISSUES_PAGE,
  '@issue': ISSUE_PAGE,
  ...ALERT_TEMPLATES,
  ...ACCOUNT_TEMPLATES,
  ...SETTINGS_TEMPLATES,
  '@status': STATUS_PAGE,
};
