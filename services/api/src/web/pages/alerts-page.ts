import { randomBytes } from 'node:crypto';
import { PageError, type Session } from '../page-context';
import { deliveryRow, type ApiDelivery } from './issues-page';
import { accessOf, failure, field, orgPath, readAll, refusalOf, renderPage, utcText, webPath, type Form, type FormRefusal, type PageKit } from './page-kit';

export const INTEGRATION_TYPES = ['email', 'slack', 'pagerduty', 'webhook'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];
export const TYPE_LABELS: Record<IntegrationType, string> = { email: 'Email', slack: 'Slack', pagerduty: 'PagerDuty', webhook: 'Webhook' };
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/** The form fields of each integration type: the API's config field names. Credentials left empty on an edit keep their stored value. */
export const CONFIG_FIELDS: Record<IntegrationType, readonly string[]> = {
  email: ['to'],
  slack: ['webhook_url'],
  pagerduty: ['routing_key', 'severity'],
  webhook: ['url', 'secret'],
};
const CREDENTIALS = new Set(['webhook_url', 'routing_key', 'secret']);

export interface ApiIntegration {
  id: string;
  name: string;
  type: IntegrationType;
  config: Record<string, unknown>;
  dateCreated: string;
  dateUpdated: string;
}

export interface ApiAlertRule {
  id: string;
  project: { id: string; slug: string };
  monitor: { id: string; slug: string } | null;
  integration: { id: string; name: string; type: IntegrationType };
  environments: string[] | null;
  on_open: boolean;
  on_resolve: boolean;
}

/** Email recipients as typed: one a line or separated by commas. */
export function recipients(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((address) => address.trim())
    .filter((address) => address !== '');
}

/**
 * The API body of an integration form: `{name, type, config}` on create, `{name, config}` on an edit, where an
 * empty credential is left out (the API keeps the stored one). Values are sent as typed: the API validates them.
 */
export function integrationBody(type: IntegrationType, form: Form, mode: 'create' | 'update'): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const name of CONFIG_FIELDS[type]) {
    const value = field(form, name, 3000);
    if (mode === 'update' && CREDENTIALS.has(name) && value === '') continue;
    if (name === 'to') config[name] = recipients(value);
    else if (name === 'severity') config[name] = value === '' ? undefined : value;
    else config[name] = value;
  }
  const body: Record<string, unknown> = { name: field(form, 'name', 300), config };
  if (mode === 'create') body['type'] = type;
  return body;
}

/** A rule form as the API's body: every field, so an edit says the whole rule. */
export function ruleBody(form: Form): Record<string, unknown> {
  const monitor = field(form, 'monitor', 200);
  const environments = field(form, 'environments', 4000)
    .split(/[\n,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return {
    project: field(form, 'project', 200),
    monitor: monitor === '' ? null : monitor,
    integration: field(form, 'integration', 200),
    environments: environments.length === 0 ? null : environments,
    on_open: form['on_open'] === 'on',
    on_resolve: form['on_resolve'] === 'on',
  };
}

/** What an integration's list row says of its config (credentials as the API redacted them). */
export function configSummary(integration: ApiIntegration): string {
  const text = (name: string): string => {
    const value = integration.config[name];
    return typeof value === 'string' ? value : '';
  };
  const config = integration.config;
  switch (integration.type) {
    case 'email':
      return Array.isArray(config['to']) ? (config['to'] as string[]).join(', ') : '';
    case 'slack':
      return text('webhook_url');
    case 'pagerduty':
      return `routing key ${text('routing_key')}, severity ${text('severity')}`;
    case 'webhook':
      return text('url');
  }
}

/** The form's values for an integration as stored: credentials blank (the API shows them redacted only). */
function integrationForm(integration: ApiIntegration): Form {
  const config = integration.config;
  return {
    name: integration.name,
    to: Array.isArray(config['to']) ? (config['to'] as string[]).join('\n') : '',
    severity: typeof config['severity'] === 'string' ? config['severity'] : 'critical',
    url: typeof config['url'] === 'string' ? config['url'] : '',
  };
}

function ruleForm(rule: ApiAlertRule): Form {
  return {
    project: rule.project.slug,
    monitor: rule.monitor?.slug ?? '',
    integration: rule.integration.id,
    environments: (rule.environments ?? []).join(', '),
    on_open: rule.on_open ? 'on' : undefined,
    on_resolve: rule.on_resolve ? 'on' : undefined,
  };
}

const isType = (value: string | undefined): value is IntegrationType => (INTEGRATION_TYPES as readonly string[]).includes(value ?? '');

interface Shown {
  form?: Form;
  refusal?: FormRefusal;
  flash?: string;
  testResult?: ReturnType<typeof deliveryRow>;
}

/** Alerts: integrations and alert rules, listed, created, edited and deleted through the API, and test notifications. */
export class AlertsPage {
  constructor(private readonly kit: PageKit) {}

  async overview(session: Session, org: string): Promise<string> {
    const [access, integrations, rules] = await Promise.all([
      accessOf(session, org),
      readAll<ApiIntegration>(session, `${orgPath(org)}/integrations/`),
      readAll<ApiAlertRule>(session, `${orgPath(org)}/alert-rules/`),
    ]);
    return renderPage(this.kit, session, { title: 'Alerts', current: 'alerts' }, '@alerts', {
      org,
      canWrite: access.has('alerts:write'),
      types: INTEGRATION_TYPES.map((type) => ({ type, label: TYPE_LABELS[type] })),
      integrations: integrations.items.map((integration) => ({
        ...integration,
        typeLabel: TYPE_LABELS[integration.type],
        summary: configSummary(integration),
      })),
      rules: rules.items.map((rule) => ({ ...rule, environmentsText: rule.environments === null ? 'every environment' : rule.environments.join(', ') })),
    });
  }

  private async requireWrite(session: Session, org: string): Promise<void> {
    if (!(await accessOf(session, org)).has('alerts:write')) {
      throw new PageError(403, 'Not allowed', 'alerts:write needs the member role or higher: your role may only read alerts.');
    }
  }

  /** The form for a new integration of one type; a webhook's secret comes generated (the person may replace it). */
  async newIntegration(session: Session, org: string, typeName: string | undefined, shown: Shown = {}): Promise<{ status: number; html: string }> {
    await this.requireWrite(session, org);
    if (!isType(typeName))
      throw new PageError(404, 'Not found', `There is no integration type "${typeName ?? ''}": choose email, slack, pagerduty or webhook.`);
    const form = shown.form ?? { name: '', severity: 'critical', secret: typeName === 'webhook' ? `whsec_${randomBytes(24).toString('base64url')}` : '' };
    const html = await renderPage(this.kit, session, { title: `New ${TYPE_LABELS[typeName]} integration`, current: 'alerts' }, '@integration-form', {
      org,
      type: typeName,
      typeLabel: TYPE_LABELS[typeName],
      severities: SEVERITIES,
      mode: 'create',
      action: webPath(org, `alerts/integrations/new?type=${typeName}`),
      form,
      error: shown.refusal?.error ?? null,
      fieldErrors: shown.refusal?.fieldErrors ?? {},
    });
    return { status: shown.refusal?.status ?? 200, html };
  }

  async createIntegration(
    session: Session,
    org: string,
    typeName: string | undefined,
    form: Form,
  ): Promise<{ redirect?: string; status?: number; html?: string }> {
    if (!isType(typeName)) throw new PageError(404, 'Not found', `There is no integration type "${typeName ?? ''}".`);
    const answer = await session.api.call<ApiIntegration>('POST', `${orgPath(org)}/integrations/`, integrationBody(typeName, form, 'create'));
    if (answer.status === 201) return { redirect: webPath(org, `alerts/integrations/${answer.body.id}/?created=1`) };
    const refusal = refusalOf(answer, ['name', ...CONFIG_FIELDS[typeName]]);
    return this.newIntegration(session, org, typeName, { form, refusal });
  }

  async integration(session: Session, org: string, id: string, shown: Shown = {}, status = 200): Promise<{ status: number; html: string }> {
    const path = `${orgPath(org)}/integrations/${encodeURIComponent(id)}`;
    const [access, integration, deliveries] = await Promise.all([
      accessOf(session, org),
      session.api.get<ApiIntegration>(`${path}/`),
      session.api.get<ApiDelivery[]>(`${path}/deliveries/?per_page=20`),
    ]);
    if (integration.status !== 200) throw failure(integration, `There is no integration "${id}" here.`);
    if (deliveries.status !== 200) throw failure(deliveries);
    const html = await renderPage(this.kit, session, { title: integration.body.name, current: 'alerts' }, '@integration', {
      org,
      integration: { ...integration.body, typeLabel: TYPE_LABELS[integration.body.type], summary: configSummary(integration.body) },
      type: integration.body.type,
      typeLabel: TYPE_LABELS[integration.body.type],
      severities: SEVERITIES,
      canWrite: access.has('alerts:write'),
      mode: 'update',
      action: webPath(org, `alerts/integrations/${integration.body.id}`),
      form: shown.form ?? integrationForm(integration.body),
      error: shown.refusal?.error ?? null,
      fieldErrors: shown.refusal?.fieldErrors ?? {},
      flash: shown.flash ?? null,
      testResult: shown.testResult ?? null,
      updatedText: utcText(integration.body.dateUpdated),
      deliveries: deliveries.body.map(deliveryRow),
    });
    return { status, html };
  }

  /** Save, send a test, or delete: each one API call with the member's token. */
  async actOnIntegration(session: Session, org: string, id: string, form: Form): Promise<{ redirect?: string; status?: number; html?: string }> {
    const path = `${orgPath(org)}/integrations/${encodeURIComponent(id)}`;
    switch (form['action']) {
      case 'save': {
        const current = await session.api.get<ApiIntegration>(`${path}/`);
        if (current.status !== 200) throw failure(current);
        const answer = await session.api.call<ApiIntegration>('PUT', `${path}/`, integrationBody(current.body.type, form, 'update'));
        if (answer.status === 200) return this.integration(session, org, id, { flash: 'Saved.' });
        return this.integration(session, org, id, { form, refusal: refusalOf(answer, ['name', ...CONFIG_FIELDS[current.body.type]]) }, answer.status);
      }
      case 'test': {
        const body: Record<string, string> = {};
        const monitor = field(form, 'test_monitor', 200);
        const environment = field(form, 'test_environment', 200);
        if (monitor !== '') body['monitor'] = monitor;
        if (environment !== '') body['environment'] = environment;
        const answer = await session.api.call<ApiDelivery>('POST', `${path}/test/`, body);
        if (answer.status === 200) {
          const result = deliveryRow(answer.body);
          const flash = answer.body.status === 'succeeded' ? 'The test notification was delivered.' : 'The test notification failed: see its attempts below.';
          return this.integration(session, org, id, { flash, testResult: result });
        }
        const refusal = refusalOf(answer, ['monitor', 'environment']);
        const fieldErrors = Object.fromEntries(Object.entries(refusal.fieldErrors).map(([name, message]) => [`test_${name}`, message]));
        return this.integration(session, org, id, { refusal: { ...refusal, fieldErrors } }, answer.status);
      }
      case 'delete': {
        const answer = await session.api.call('DELETE', `${path}/`);
        if (answer.status !== 204) throw failure(answer);
        return { redirect: webPath(org, 'alerts/') };
      }
      default:
        throw new PageError(400, 'Unknown action', 'The form asked for an action this page does not have.');
    }
  }

  private async ruleChoices(session: Session, org: string): Promise<{ projects: Array<{ slug: string; name: string }>; integrations: ApiIntegration[] }> {
    const [projects, integrations] = await Promise.all([
      readAll<{ slug: string; name: string }>(session, `${orgPath(org)}/projects/`),
      readAll<ApiIntegration>(session, `${orgPath(org)}/integrations/`),
    ]);
    return { projects: projects.items, integrations: integrations.items };
  }

  async newRule(session: Session, org: string, query: Form, shown: Shown = {}): Promise<{ status: number; html: string }> {
    await this.requireWrite(session, org);
    const choices = await this.ruleChoices(session, org);
    const form = shown.form ?? {
      project: choices.projects[0]?.slug ?? '',
      integration: query['integration'] ?? choices.integrations[0]?.id ?? '',
      monitor: '',
      environments: '',
      on_open: 'on',
      on_resolve: 'on',
    };
    const html = await renderPage(this.kit, session, { title: 'New alert rule', current: 'alerts' }, '@rule-form', {
      org,
      ...choices,
      canWrite: true,
      mode: 'create',
      action: webPath(org, 'alerts/rules/new'),
      form,
      error: shown.refusal?.error ?? null,
      fieldErrors: shown.refusal?.fieldErrors ?? {},
      flash: null,
      rule: null,
    });
    return { status: shown.refusal?.status ?? 200, html };
  }

  async createRule(session: Session, org: string, form: Form): Promise<{ redirect?: string; status?: number; html?: string }> {
    const answer = await session.api.call<ApiAlertRule>('POST', `${orgPath(org)}/alert-rules/`, ruleBody(form));
    if (answer.status === 201) return { redirect: webPath(org, 'alerts/') };
    return this.newRule(session, org, {}, { form, refusal: refusalOf(answer, RULE_FIELDS) });
  }

  async rule(session: Session, org: string, id: string, shown: Shown = {}, status = 200): Promise<{ status: number; html: string }> {
    const [access, rule, choices] = await Promise.all([
      accessOf(session, org),
      session.api.get<ApiAlertRule>(`${orgPath(org)}/alert-rules/${encodeURIComponent(id)}/`),
      this.ruleChoices(session, org),
    ]);
    if (rule.status !== 200) throw failure(rule, `There is no alert rule "${id}" here.`);
    const html = await renderPage(this.kit, session, { title: 'Alert rule', current: 'alerts' }, '@rule-form', {
      org,
      ...choices,
      canWrite: access.has('alerts:write'),
      mode: 'update',
      action: webPath(org, `alerts/rules/${rule.body.id}`),
      form: shown.form ?? ruleForm(rule.body),
      error: shown.refusal?.error ?? null,
      fieldErrors: shown.refusal?.fieldErrors ?? {},
      flash: shown.flash ?? null,
      rule: rule.body,
    });
    return { status, html };
  }

  async actOnRule(session: Session, org: string, id: string, form: Form): Promise<{ redirect?: string; status?: number; html?: string }> {
    const path = `${orgPath(org)}/alert-rules/${encodeURIComponent(id)}/`;
    if (form['action'] === 'delete') {
      const answer = await session.api.call('DELETE', path);
      if (answer.status !== 204) throw failure(answer);
      return { redirect: webPath(org, 'alerts/') };
    }
    if (form['action'] !== 'save') throw new PageError(400, 'Unknown action', 'The form asked for an action this page does not have.');
    const answer = await session.api.call<ApiAlertRule>('PUT', path, ruleBody(form));
    if (answer.status === 200) return this.rule(session, org, id, { flash: 'Saved.' });
    return this.rule(session, org, id, { form, refusal: refusalOf(answer, RULE_FIELDS) }, answer.status);
  }
}

const RULE_FIELDS = ['project', 'monitor', 'integration', 'environments', 'on_open', 'on_resolve'];
