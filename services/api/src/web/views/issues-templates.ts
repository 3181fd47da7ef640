/** The issues pages' templates (conventions in templates.ts). Times: `<time data-local>`, UTC on the server, the viewer's zone in the browser. */

/** Deliveries with every attempt: the issue page and the integration page show them alike. */
export const DELIVERIES = String.raw`<% if (it.deliveries.length === 0) { %><p class="muted"><%= it.empty %></p><% } else { %>
<ul class="deliveries">
<% it.deliveries.forEach(function (d) { %>
<li class="delivery" data-delivery="<%= d.id %>" data-kind="<%= d.kind %>" data-status="<%= d.status %>">
  <p><span class="badge b-<%= d.status %>"><%= d.status %></span> <strong><%= d.kind === 'test' ? 'Test' : d.kind === 'opened' ? 'Issue opened' : 'Issue resolved' %></strong>
  to <% if (it.linkIntegrations) { %><a href="/orgs/<%= it.org %>/alerts/integrations/<%= d.integration.id %>/"><%= d.integration.name %></a><% } else { %><%= d.integration.name %><% } %> (<%= d.integration.type %>)
  · <time datetime="<%= d.created %>" data-local><%= d.createdText %></time>
  <% if (d.nextAttempt) { %>· next attempt <time datetime="<%= d.nextAttempt %>" data-local><%= d.nextAttemptText %></time><% } %>
  <% if (d.deadReason) { %>· gave up: <%= d.deadReason %><% } %></p>
  <div class="table-wrap"><table class="attempts">
  <caption class="visually-hidden">Attempts of this delivery</caption>
  <thead><tr><th scope="col">#</th><th scope="col">Outcome</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">Target</th><th scope="col">Answer</th></tr></thead>
  <tbody>
  <% d.attempts.forEach(function (a) { %>
  <tr data-outcome="<%= a.outcome %>"><td><%= a.attempt %></td><td><%= a.outcome %></td><td><time datetime="<%= a.started %>" data-local><%= a.startedText %></time></td><td><%= a.duration %></td><td><%= a.target %></td><td><% if (a.statusCode !== null) { %>HTTP <%= a.statusCode %> <% } %><%= a.error %><% if (a.response) { %> <code><%= a.response %></code><% } %></td></tr>
  <% }) %>
  </tbody></table></div>
</li>
<% }) %>
</ul>
<% } %>`;

export const ISSUES_PAGE = String.raw`<h1>Issues</h1>
<form class="filters" method="get" action="/orgs/<%= it.org %>/issues/" role="search">
  <div class="field"><label for="i-status">Show</label><select id="i-status" name="status">
    <option value="open"<%= it.filters.status === 'open' ? ' selected' : '' %>>Open</option>
    <option value="resolved"<%= it.filters.status === 'resolved' ? ' selected' : '' %>>Resolved</option>
    <option value="all"<%= it.filters.status === 'all' ? ' selected' : '' %>>Open and resolved</option>
  </select></div>
  <div class="field"><label for="i-project">Project</label><select id="i-project" name="project"><option value="">All projects</option><% it.projects.forEach(function (p) { %><option value="<%= p.slug %>"<%= p.slug === it.filters.project ? ' selected' : '' %>><%= p.name %></option><% }) %></select></div>
  <div class="field"><label for="i-monitor">Monitor slug</label><input id="i-monitor" name="monitor" value="<%= it.filters.monitor %>" size="16"></div>
  <button type="submit">Apply</button>
</form>
<% if (it.error) { %><p class="alert" role="alert"><%= it.error %></p><% } %>
<% if (it.issues.length === 0) { %>
<p class="notice"><%= it.filters.status === 'open' ? 'No open issue: every monitor is within its failure threshold.' : 'No issue matches.' %></p>
<% } else { %>
<div class="table-wrap"><table class="issues">
<caption class="visually-hidden">Issues, newest opened first</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Monitor</th><th scope="col">Environment</th><th scope="col">Opened by</th><th scope="col">Failures</th><th scope="col">Opened</th><th scope="col">Resolved</th></tr></thead>
<tbody>
<% it.issues.forEach(function (i) { %>
<tr data-issue="<%= i.id %>" data-status="<%= i.status %>">
  <td><a href="/orgs/<%= it.org %>/issues/<%= i.id %>/"><span class="badge b-<%= i.status %>"><%= i.status %></span><span class="visually-hidden"> issue of <%= i.monitor.name %> in <%= i.environment %></span></a></td>
  <td><a href="/orgs/<%= it.org %>/monitors/<%= i.monitor.slug %>/"><%= i.monitor.name %></a> <span class="muted"><%= i.project.slug %></span></td>
  <td><%= i.environment %></td>
  <td><span class="icon s-<%= i.openingStatus %>" aria-hidden="true"></span> <%= i.openingLabel %></td>
  <td><%= i.failureCount %></td>
  <td><time datetime="<%= i.dateOpened %>" data-local><%= i.openedText %></time></td>
  <td><% if (i.dateResolved) { %><time datetime="<%= i.dateResolved %>" data-local><%= i.resolvedText %></time><% } else { %><span class="muted">open</span><% } %></td>
</tr>
<% }) %>
</tbody></table></div>
<% } %>
<nav class="pager" aria-label="Pages of issues"><% if (it.firstUrl) { %><a href="<%= it.firstUrl %>">First page</a><% } %><% if (it.nextUrl) { %><a href="<%= it.nextUrl %>" rel="next">Next page</a><% } %></nav>
`;

export const ISSUE_PAGE = String.raw`<p><a href="/orgs/<%= it.org %>/issues/">← Issues</a></p>
<h1><span class="badge b-<%= it.issue.status %>"><%= it.issue.status %></span> <%= it.issue.monitor.name %> in <%= it.issue.environment %></h1>
<dl class="facts">
  <dt>Monitor</dt><dd><a href="/orgs/<%= it.org %>/monitors/<%= it.issue.monitor.slug %>/"><%= it.issue.monitor.slug %></a> (project <%= it.issue.project.slug %>)</dd>
  <dt>Opened by</dt><dd><span class="icon s-<%= it.issue.openingStatus %>" aria-hidden="true"></span> <%= it.issue.openingLabel %></dd>
  <dt>Opened</dt><dd><time datetime="<%= it.issue.dateOpened %>" data-local><%= it.issue.openedText %></time></dd>
  <dt>Last failure</dt><dd><time datetime="<%= it.issue.dateLastFailure %>" data-local><%= it.issue.lastFailureText %></time></dd>
  <dt>Resolved</dt><dd><% if (it.issue.dateResolved) { %><time datetime="<%= it.issue.dateResolved %>" data-local><%= it.issue.resolvedText %></time><% } else { %>not yet<% } %></dd>
  <dt>Failures counted</dt><dd><%= it.issue.failureCount %></dd>
</dl>
<h2>Runs that opened and resolved it</h2>
<div class="table-wrap"><table class="runs">
<caption class="visually-hidden">The run that opened the issue and the run that resolved it</caption>
<thead><tr><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Last signal</th><th scope="col">Duration</th><th scope="col">Check-in id</th></tr></thead>
<tbody>
<% it.runs.forEach(function (r) { %>
<% if (r.missing) { %><tr><td><%= r.role %></td><td colspan="5" class="muted">History no longer holds this run.</td></tr><% } else { %>
<tr data-role="<%= r.role %>" data-status="<%= r.status %>"><td><%= r.role %></td><td><span class="icon s-<%= r.icon %>" aria-hidden="true"></span> <%= r.statusLabel %></td><td><time datetime="<%= r.started %>" data-local><%= r.startedText %></time></td><td><time datetime="<%= r.updated %>" data-local><%= r.updatedText %></time></td><td><%= r.duration %></td><td><code><%= r.id %></code></td></tr>
<% } %>
<% }) %>
</tbody></table></div>
<% if (it.failures.length > 0) { %>
<details><summary>Every failure it counted (<%= it.failures.length %>)</summary>
<div class="table-wrap"><table>
<caption class="visually-hidden">Failed runs the issue counted, oldest first</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Check-in id</th></tr></thead>
<tbody><% it.failures.forEach(function (r) { %><tr><td><span class="icon s-<%= r.icon %>" aria-hidden="true"></span> <%= r.statusLabel %></td><td><time datetime="<%= r.started %>" data-local><%= r.startedText %></time></td><td><%= r.duration %></td><td><code><%= r.id %></code></td></tr><% }) %></tbody>
</table></div></details>
<% } %>
<h2>Notifications</h2>
<%~ include('@deliveries', { deliveries: it.deliveries, org: it.org, linkIntegrations: true, empty: 'Nobody was notified: no alert rule matched this monitor and environment, or it was muted.' }) %>
`;
