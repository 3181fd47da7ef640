/** The alerts pages' templates (conventions in templates.ts). Write controls only when `it.canWrite` (the API's `alerts:write`). */

/** One text field with its label, its hint and the API's error beside it. */
const FIELD = String.raw`<div class="field"><label for="f-<%= it.name %>"><%= it.label %></label><% if (it.textarea) { %><textarea id="f-<%= it.name %>" name="<%= it.name %>" rows="3"<% if (it.hint || it.error) { %> aria-describedby="<% if (it.hint) { %>f-<%= it.name %>-hint <% } %><% if (it.error) { %>f-<%= it.name %>-error<% } %>"<% } %><% if (it.error) { %> aria-invalid="true"<% } %><% if (it.disabled) { %> disabled<% } %>><%= it.value %></textarea><% } else { %><input id="f-<%= it.name %>" name="<%= it.name %>" class="wide" value="<%= it.value %>"<% if (it.type) { %> type="<%= it.type %>"<% } %> autocomplete="off"<% if (it.hint || it.error) { %> aria-describedby="<% if (it.hint) { %>f-<%= it.name %>-hint <% } %><% if (it.error) { %>f-<%= it.name %>-error<% } %>"<% } %><% if (it.error) { %> aria-invalid="true"<% } %><% if (it.disabled) { %> disabled<% } %>><% } %><% if (it.hint) { %><p class="hint" id="f-<%= it.name %>-hint"><%= it.hint %></p><% } %><% if (it.error) { %><p class="field-error" id="f-<%= it.name %>-error"><%= it.error %></p><% } %></div>`;

/** The fields of an integration of `it.type`, for a new one or an edit (credentials blank: kept unless typed). */
const INTEGRATION_FIELDS = String.raw`<%~ include('@field', { name: 'name', label: 'Name', value: it.form.name || '', error: it.fieldErrors.name, disabled: !it.canWrite }) %>
<% if (it.type === 'email') { %>
<%~ include('@field', { name: 'to', label: 'Recipients', textarea: true, value: it.form.to || '', hint: 'One address a line (at most 20).', error: it.fieldErrors.to, disabled: !it.canWrite }) %>
<% } else if (it.type === 'slack') { %>
<%~ include('@field', { name: 'webhook_url', label: 'Slack incoming webhook URL', value: '', type: 'url', hint: it.mode === 'update' ? 'Stored and not shown (it is a credential): leave empty to keep it.' : 'https://hooks.slack.com/services/...', error: it.fieldErrors.webhook_url, disabled: !it.canWrite }) %>
<% } else if (it.type === 'pagerduty') { %>
<%~ include('@field', { name: 'routing_key', label: 'Routing key (Events API v2 integration key)', value: '', hint: it.mode === 'update' ? 'Stored and not shown (it is a credential): leave empty to keep it.' : '32 letters and digits.', error: it.fieldErrors.routing_key, disabled: !it.canWrite }) %>
<div class="field"><label for="f-severity">Severity</label><select id="f-severity" name="severity"<% if (!it.canWrite) { %> disabled<% } %>><% it.severities.forEach(function (s) { %><option value="<%= s %>"<%= s === it.form.severity ? ' selected' : '' %>><%= s %></option><% }) %></select><% if (it.fieldErrors.severity) { %><p class="field-error" id="f-severity-error"><%= it.fieldErrors.severity %></p><% } %></div>
<% } else if (it.type === 'webhook') { %>
<%~ include('@field', { name: 'url', label: 'URL', value: it.form.url || '', type: 'url', hint: 'Vigil POSTs a signed JSON body here (docs/webhooks.md).', error: it.fieldErrors.url, disabled: !it.canWrite }) %>
<%~ include('@field', { name: 'secret', label: 'Signing secret', value: it.mode === 'create' ? (it.form.secret || '') : '', hint: it.mode === 'update' ? 'Stored and not shown: leave empty to keep it.' : 'Generated for you: copy it now to verify signatures, it is not shown again. 16 to 256 printable characters.', error: it.fieldErrors.secret, disabled: !it.canWrite }) %>
<% } %>`;

export const ALERTS_PAGE = String.raw`<h1>Alerts</h1>
<p class="muted">Integrations are where alerts go; alert rules say which issues (project, monitor, environments) notify which integration, on opening and on resolving.</p>
<h2 id="integrations">Integrations</h2>
<% if (it.integrations.length === 0) { %><p class="notice">No integration yet<%= it.canWrite ? ': add one below.' : '.' %></p><% } else { %>
<div class="table-wrap"><table class="integrations">
<caption class="visually-hidden">Integrations</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Sends to</th></tr></thead>
<tbody><% it.integrations.forEach(function (i) { %><tr data-integration="<%= i.id %>"><td><a href="/orgs/<%= it.org %>/alerts/integrations/<%= i.id %>/"><%= i.name %></a></td><td><%= i.typeLabel %></td><td><code><%= i.summary %></code></td></tr><% }) %></tbody>
</table></div>
<% } %>
<% if (it.canWrite) { %><p class="actions">Add: <% it.types.forEach(function (t) { %><a class="add-integration" href="/orgs/<%= it.org %>/alerts/integrations/new?type=<%= t.type %>"><%= t.label %></a> <% }) %></p><% } %>
<h2 id="rules">Alert rules</h2>
<% if (it.rules.length === 0) { %><p class="notice">No alert rule: issues open and resolve, and nobody is notified.</p><% } else { %>
<div class="table-wrap"><table class="rules">
<caption class="visually-hidden">Alert rules</caption>
<thead><tr><th scope="col">Project</th><th scope="col">Monitor</th><th scope="col">Environments</th><th scope="col">Notifies</th><th scope="col">When</th><th scope="col"><span class="visually-hidden">Details</span></th></tr></thead>
<tbody><% it.rules.forEach(function (r) { %><tr data-rule="<%= r.id %>"><td><%= r.project.slug %></td><td><%= r.monitor ? r.monitor.slug : 'every monitor' %></td><td><%= r.environmentsText %></td><td><a href="/orgs/<%= it.org %>/alerts/integrations/<%= r.integration.id %>/"><%= r.integration.name %></a></td><td><%= [r.on_open ? 'opened' : '', r.on_resolve ? 'resolved' : ''].filter(function (x) { return x; }).join(', ') || 'never' %></td><td><a href="/orgs/<%= it.org %>/alerts/rules/<%= r.id %>/"><%= it.canWrite ? 'Edit' : 'View' %><span class="visually-hidden"> the rule of <%= r.project.slug %> to <%= r.integration.name %></span></a></td></tr><% }) %></tbody>
</table></div>
<% } %>
<% if (it.canWrite) { %><p><a href="/orgs/<%= it.org %>/alerts/rules/new">Add an alert rule</a></p><% } %>
`;

export const INTEGRATION_FORM_PAGE = String.raw`<p><a href="/orgs/<%= it.org %>/alerts/">← Alerts</a></p>
<h1>New <%= it.typeLabel %> integration</h1>
<% if (it.error) { %><p class="alert" role="alert"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <%~ include('@integration-fields', { type: it.type, mode: it.mode, form: it.form, fieldErrors: it.fieldErrors, severities: it.severities, canWrite: true }) %>
  <button class="primary" type="submit">Create integration</button>
</form>
`;

export const INTEGRATION_PAGE = String.raw`<p><a href="/orgs/<%= it.org %>/alerts/">← Alerts</a></p>
<h1><%= it.integration.name %></h1>
<p class="muted"><%= it.typeLabel %> · <code><%= it.integration.summary %></code> · changed <time datetime="<%= it.integration.dateUpdated %>" data-local><%= it.updatedText %></time></p>
<% if (it.flash) { %><p class="notice" role="status" id="flash"><%= it.flash %></p><% } %>
<% if (it.error) { %><p class="alert" role="alert"><%= it.error %></p><% } %>
<% if (it.testResult) { %>
<section aria-labelledby="test-result-h" id="test-result" data-status="<%= it.testResult.status %>">
<h2 id="test-result-h">Test result: <span class="badge b-<%= it.testResult.status %>"><%= it.testResult.status %></span></h2>
<%~ include('@deliveries', { deliveries: [it.testResult], org: it.org, linkIntegrations: false, empty: '' }) %>
</section>
<% } %>
<% if (it.canWrite) { %>
<h2>Send a test notification</h2>
<form method="post" action="<%= it.action %>" class="grid2" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <%~ include('@field', { name: 'test_monitor', label: 'Monitor slug to name (optional)', value: '', hint: 'Empty: an example monitor.', error: it.fieldErrors.test_monitor }) %>
  <%~ include('@field', { name: 'test_environment', label: 'Environment to name (optional)', value: '', hint: 'Empty: production.', error: it.fieldErrors.test_environment }) %>
  <div><button class="primary" type="submit" name="action" value="test">Send test notification</button></div>
</form>
<h2>Edit</h2>
<form method="post" action="<%= it.action %>" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <%~ include('@integration-fields', { type: it.type, mode: it.mode, form: it.form, fieldErrors: it.fieldErrors, severities: it.severities, canWrite: true }) %>
  <button class="primary" type="submit" name="action" value="save">Save</button>
</form>
<p><a href="/orgs/<%= it.org %>/alerts/rules/new?integration=<%= it.integration.id %>">Add an alert rule for this integration</a></p>
<% } %>
<h2>Recent deliveries</h2>
<%~ include('@deliveries', { deliveries: it.deliveries, org: it.org, linkIntegrations: false, empty: 'Nothing was sent through this integration yet.' }) %>
<% if (it.canWrite) { %>
<h2>Delete</h2>
<form method="post" action="<%= it.action %>">
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <p class="hint">Its alert rules and its delivery history go with it.</p>
  <button class="danger" type="submit" name="action" value="delete">Delete integration</button>
</form>
<% } %>
`;

export const RULE_FORM_PAGE = String.raw`<p><a href="/orgs/<%= it.org %>/alerts/">← Alerts</a></p>
<h1><%= it.mode === 'create' ? 'New alert rule' : 'Alert rule' %></h1>
<% if (it.flash) { %><p class="notice" role="status" id="flash"><%= it.flash %></p><% } %>
<% if (it.error) { %><p class="alert" role="alert"><%= it.error %></p><% } %>
<% if (it.integrations.length === 0) { %><p class="notice">A rule notifies an integration: <a href="/orgs/<%= it.org %>/alerts/">add one first</a>.</p><% } %>
<% if (it.canWrite) { %><form method="post" action="<%= it.action %>" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>"><% } else { %><div class="rule-view"><% } %>
  <fieldset<% if (!it.canWrite) { %> disabled<% } %>><legend>Which issues</legend>
  <div class="field"><label for="f-project">Project</label><select id="f-project" name="project"<% if (it.fieldErrors.project) { %> aria-describedby="f-project-error" aria-invalid="true"<% } %>><% it.projects.forEach(function (p) { %><option value="<%= p.slug %>"<%= p.slug === it.form.project ? ' selected' : '' %>><%= p.name %></option><% }) %></select><% if (it.fieldErrors.project) { %><p class="field-error" id="f-project-error"><%= it.fieldErrors.project %></p><% } %></div>
  <%~ include('@field', { name: 'monitor', label: 'Monitor slug', value: it.form.monitor || '', hint: 'Empty: every monitor of the project.', error: it.fieldErrors.monitor, disabled: !it.canWrite }) %>
  <%~ include('@field', { name: 'environments', label: 'Environments', value: it.form.environments || '', hint: 'Separated by commas. Empty: every environment.', error: it.fieldErrors.environments, disabled: !it.canWrite }) %>
  </fieldset>
  <fieldset<% if (!it.canWrite) { %> disabled<% } %>><legend>Whom and when</legend>
  <div class="field"><label for="f-integration">Integration</label><select id="f-integration" name="integration"<% if (it.fieldErrors.integration) { %> aria-describedby="f-integration-error" aria-invalid="true"<% } %>><% it.integrations.forEach(function (i) { %><option value="<%= i.id %>"<%= i.id === it.form.integration ? ' selected' : '' %>><%= i.name %> (<%= i.type %>)</option><% }) %></select><% if (it.fieldErrors.integration) { %><p class="field-error" id="f-integration-error"><%= it.fieldErrors.integration %></p><% } %></div>
  <div class="checks">
    <label><input type="checkbox" name="on_open"<%= it.form.on_open === 'on' ? ' checked' : '' %>> When an issue opens</label>
    <label><input type="checkbox" name="on_resolve"<%= it.form.on_resolve === 'on' ? ' checked' : '' %>> When it resolves</label>
  </div>
  </fieldset>
  <% if (it.canWrite) { %><button class="primary" type="submit" name="action" value="save"><%= it.mode === 'create' ? 'Create rule' : 'Save' %></button>
</form><% } else { %></div><% } %>
<% if (it.canWrite && it.mode === 'update') { %>
<h2>Delete</h2>
<form method="post" action="<%= it.action %>">
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <button class="danger" type="submit" name="action" value="delete">Delete rule</button>
</form>
<% } %>
`;

export const ALERT_TEMPLATES: Record<string, string> = {
  '@field': FIELD,
  '@integration-fields': INTEGRATION_FIELDS,
  '@alerts': ALERTS_PAGE,
  '@integration-form': INTEGRATION_FORM_PAGE,
  '@integration': INTEGRATION_PAGE,
  '@rule-form': RULE_FORM_PAGE,
};
