/** The settings page and the invite page (conventions in templates.ts). */

/** A one-action form of the settings page: CSRF, the project, the action and what it acts on. */
const SETTINGS_ACTION = String.raw`<form method="post" action="/orgs/<%= it.org %>/settings/actions" class="row-form"><input type="hidden" name="_csrf" value="<%= it.csrf %>"><input type="hidden" name="project" value="<%= it.project %>"><% if (it.key) { %><input type="hidden" name="key" value="<%= it.key %>"><% } %><button type="submit" name="action" value="<%= it.action %>"<% if (it.danger) { %> class="danger"<% } %>><%= it.label %><% if (it.hidden) { %><span class="visually-hidden"> <%= it.hidden %></span><% } %></button></form>`;

export const SETTINGS_PAGE = String.raw`<h1>Settings</h1>
<% if (it.projects.length > 1) { %>
<form class="filters" method="get" action="/orgs/<%= it.org %>/settings/">
  <div class="field"><label for="s-project">Project</label><select id="s-project" name="project"><% it.projects.forEach(function (p) { %><option value="<%= p.slug %>"<%= it.project && p.slug === it.project.slug ? ' selected' : '' %>><%= p.name %></option><% }) %></select></div>
  <button type="submit">Show</button>
</form>
<% } %>
<% if (it.done) { %><p class="notice" role="status" id="flash"><%= it.done %></p><% } %>
<% if (it.error) { %><p class="alert" role="alert"><%= it.error %></p><% } %>
<% if (it.secret) { %>
<section class="secret" role="status" aria-labelledby="secret-h">
  <h2 id="secret-h"><%= it.secret.title %></h2>
  <code id="one-time-secret"><%= it.secret.value %></code>
  <p class="hint"><%= it.secret.note %></p>
</section>
<% } %>
<% if (!it.project) { %><p class="notice">This organization has no project yet.</p><% } else { %>
<h2 id="project">Project <%= it.project.name %></h2>
<dl class="facts">
  <dt>Slug</dt><dd><code><%= it.project.slug %></code> (id <%= it.project.id %>)</dd>
  <dt>Ping URL</dt><dd><code id="ping-url"><%= it.project.pingUrl %>&lt;monitor slug&gt;</code></dd>
  <dt>Ping key</dt><dd><code><%= it.project.pingKey %></code></dd>
</dl>
<% if (it.canKeys) { %><%~ include('@settings-action', { org: it.org, csrf: it.csrf, project: it.project.slug, action: 'rotate-ping-key', label: 'Rotate the ping key', danger: true }) %><p class="hint">Jobs pinging with the old key get 404 within moments: update them first.</p><% } %>

<h2 id="dsn-keys">DSN keys</h2>
<p class="hint">What Sentry SDKs and sentry-cli send check-ins with. Public by nature.</p>
<div class="table-wrap"><table class="dsn-keys">
<caption class="visually-hidden">DSN keys of <%= it.project.name %></caption>
<thead><tr><th scope="col">Name</th><th scope="col">DSN</th><th scope="col">Status</th><th scope="col">Created</th><% if (it.canKeys) { %><th scope="col"><span class="visually-hidden">Actions</span></th><% } %></tr></thead>
<tbody><% it.keys.forEach(function (k) { %><tr data-key="<%= k.id %>" data-active="<%= k.isActive %>"><td><%= k.name %></td><td><code><%= k.dsn.public %></code></td><td><span class="badge b-<%= k.isActive ? 'active' : 'revoked' %>"><%= k.isActive ? 'active' : 'revoked' %></span></td><td><time datetime="<%= k.dateCreated %>" data-local><%= k.createdText %></time></td><% if (it.canKeys) { %><td><% if (k.isActive) { %><div class="actions"><%~ include('@settings-action', { org: it.org, csrf: it.csrf, project: it.project.slug, key: k.id, action: 'rotate-dsn-key', label: 'Rotate', hidden: k.name }) %><%~ include('@settings-action', { org: it.org, csrf: it.csrf, project: it.project.slug, key: k.id, action: 'revoke-dsn-key', label: 'Revoke', hidden: k.name, danger: true }) %></div><% } %></td><% } %></tr><% }) %></tbody>
</table></div>
<% if (it.canKeys) { %>
<form method="post" action="/orgs/<%= it.org %>/settings/actions" class="row-form">
  <input type="hidden" name="_csrf" value="<%= it.csrf %>"><input type="hidden" name="project" value="<%= it.project.slug %>">
  <label for="s-dsn-name">New DSN key named</label><input id="s-dsn-name" name="name" placeholder="Default" size="16">
  <button type="submit" name="action" value="create-dsn-key">Create DSN key</button>
</form>
<% } %>

<% if (it.apiKeys) { %>
<h2 id="api-keys">Project API keys</h2>
<p class="hint">For the Healthchecks-shaped API (<code>/api/v3/</code>, header <code>X-Api-Key</code>). A key is shown once, when it is created.</p>
<% if (it.apiKeys.length === 0) { %><p class="muted">No API key yet.</p><% } else { %>
<div class="table-wrap"><table class="api-keys">
<caption class="visually-hidden">API keys of <%= it.project.name %></caption>
<thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Access</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><% if (it.canKeys) { %><th scope="col"><span class="visually-hidden">Actions</span></th><% } %></tr></thead>
<tbody><% it.apiKeys.forEach(function (k) { %><tr data-api-key="<%= k.id %>" data-revoked="<%= k.dateRevoked !== null %>"><td><%= k.name %></td><td><code><%= k.prefix %></code></td><td><%= k.read_only ? 'read-only' : 'read and write' %></td><td><time datetime="<%= k.dateCreated %>" data-local><%= k.createdText %></time></td><td><% if (k.lastUsed) { %><time datetime="<%= k.lastUsed %>" data-local><%= k.lastUsedText %></time><% } else { %>never<% } %></td><td><span class="badge b-<%= k.dateRevoked ? 'revoked' : 'active' %>"><%= k.dateRevoked ? 'revoked' : 'active' %></span></td><% if (it.canKeys) { %><td><% if (!k.dateRevoked) { %><%~ include('@settings-action', { org: it.org, csrf: it.csrf, project: it.project.slug, key: k.id, action: 'revoke-api-key', label: 'Revoke', hidden: k.name, danger: true }) %><% } %></td><% } %></tr><% }) %></tbody>
</table></div>
<% } %>
<% if (it.canKeys) { %>
<form method="post" action="/orgs/<%= it.org %>/settings/actions" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>"><input type="hidden" name="project" value="<%= it.project.slug %>">
  <div class="row-form">
    <label for="s-api-name">New API key named</label><input id="s-api-name" name="name" size="16"<% if (it.fieldErrors.api_key_name) { %> aria-describedby="s-api-name-error" aria-invalid="true"<% } %>>
    <label><input type="checkbox" name="read_only"> read-only</label>
    <button type="submit" name="action" value="create-api-key">Create API key</button>
  </div>
  <% if (it.fieldErrors.api_key_name) { %><p class="field-error" id="s-api-name-error"><%= it.fieldErrors.api_key_name %></p><% } %>
</form>
<% } %>
<% } %>
<% } %>

<% if (it.members) { %>
<h2 id="members">Members</h2>
<div class="table-wrap"><table class="members">
<caption class="visually-hidden">Members of the organization</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Teams</th></tr></thead>
<tbody><% it.members.forEach(function (m) { %><tr data-member="<%= m.email %>" data-role="<%= m.role %>"><td><%= m.email %><% if (m.self) { %> <span class="muted">(you)</span><% } %></td><td><%= m.name %></td><td>
<% if (m.manageable && it.roles.length > 0) { %>
<form method="post" action="/orgs/<%= it.org %>/settings/actions" class="row-form"><input type="hidden" name="_csrf" value="<%= it.csrf %>"><input type="hidden" name="member" value="<%= m.id %>"><% if (it.project) { %><input type="hidden" name="project" value="<%= it.project.slug %>"><% } %>
<label class="visually-hidden" for="role-<%= m.id %>">Role of <%= m.email %></label><select id="role-<%= m.id %>" name="role"><% it.roles.forEach(function (r) { %><option value="<%= r %>"<%= r === m.role ? ' selected' : '' %>><%= r %></option><% }) %></select>
<button type="submit" name="action" value="set-role">Set<span class="visually-hidden"> the role of <%= m.email %></span></button></form>
<% } else { %><%= m.role %><% } %>
</td><td><%= m.teams.join(', ') %></td></tr><% }) %></tbody>
</table></div>
<h3>Invite a member</h3>
<form method="post" action="/orgs/<%= it.org %>/settings/actions" class="grid2" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>"><% if (it.project) { %><input type="hidden" name="project" value="<%= it.project.slug %>"><% } %>
  <%~ include('@field', { name: 'email', label: 'Email', value: it.form.email || '', type: 'email', error: it.fieldErrors.email }) %>
  <%~ include('@field', { name: 'name', label: 'Name (optional)', value: it.form.name || '', error: it.fieldErrors.name }) %>
  <div class="field"><label for="f-role">Role</label><select id="f-role" name="role"><% it.roles.forEach(function (r) { %><option value="<%= r %>"<%= r === (it.form.role || 'member') ? ' selected' : '' %>><%= r %></option><% }) %></select><% if (it.fieldErrors.role) { %><p class="field-error" id="f-role-error"><%= it.fieldErrors.role %></p><% } %></div>
  <div><button class="primary" type="submit" name="action" value="invite">Invite</button><p class="hint">Adds the member and shows a link, once, for them to choose a password (it works for <%= it.inviteDays %> days).</p></div>
</form>
<% } %>

<% if (it.teams) { %>
<h2 id="teams">Teams</h2>
<% if (it.teams.length === 0) { %><p class="muted">No team.</p><% } else { %>
<div class="table-wrap"><table class="teams">
<caption class="visually-hidden">Teams of the organization</caption>
<thead><tr><th scope="col">Team</th><th scope="col">Slug</th><th scope="col">Members</th></tr></thead>
<tbody><% it.teams.forEach(function (t) { %><tr><td><%= t.name %></td><td><code><%= t.slug %></code></td><td><%= t.memberCount %></td></tr><% }) %></tbody>
</table></div>
<% } %>
<% } %>
`;

/** The invite link's page: choose a password, then signed in. */
export const INVITE_PAGE = String.raw`<div class="signin">
<% if (!it.invite) { %>
<h1>This invite link does not work</h1>
<p>It was used already, it expired, or it was never valid. Ask whoever invited you for a new one.</p>
<p><a href="/signin">Sign in</a></p>
<% } else { %>
<h1>Join <%= it.invite.organizationSlug %> on Vigil</h1>
<p>Choose a password for <strong><%= it.invite.email %></strong>.</p>
<% if (it.error) { %><p class="alert" role="alert"><%= it.error %></p><% } %>
<form method="post" action="/invite" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <input type="hidden" name="token" value="<%= it.token %>">
  <input type="hidden" name="username" value="<%= it.invite.email %>" autocomplete="username">
  <%~ include('@password-field', { name: 'new_password', label: 'Password', autocomplete: 'new-password', minLength: it.minLength, hint: 'At least ' + it.minLength + ' characters.', error: it.fieldErrors.new_password }) %>
  <%~ include('@password-field', { name: 'confirm_password', label: 'Password again', autocomplete: 'new-password', error: it.fieldErrors.confirm_password }) %>
  <button class="primary" type="submit">Set password and sign in</button>
</form>
<% } %>
</div>
`;

export const SETTINGS_TEMPLATES: Record<string, string> = {
  '@settings-action': SETTINGS_ACTION,
  '@settings': SETTINGS_PAGE,
  '@invite': INVITE_PAGE,
};
