/** The monitor page's templates (see templates.ts for the conventions). */

/** What changes while the page is open: state per environment, timelines, check-ins. Answered alone to the poll. */
export const MONITOR_STATE = String.raw`<div id="monitor-state" data-failing="<%= it.failing %>" data-title="<%= it.monitor.name %> · Vigil" hx-get="<%= it.liveUrl %>" hx-trigger="every <%= it.pollMs %>ms" hx-swap="outerHTML">
<nav class="ranges" aria-label="Range of the timelines and duration charts"><span class="muted">Range:</span> <% it.ranges.forEach(function (r) { %><a href="<%= r.url %>"<% if (r.name === it.range) { %> aria-current="page"<% } %> title="<%= r.words %>"><%= r.name %></a> <% }) %></nav>
<h2>Environments</h2>
<% if (it.environments.length === 0) { %><p class="notice">No check-in yet: send one with a snippet below.</p><% } %>
<div class="cards">
<% it.environments.forEach(function (env) { %>
<section class="card" data-env="<%= env.name %>" data-status="<%= env.status %>" aria-label="Environment <%= env.name %>">
  <p><span class="icon s-<%= env.status %>" role="img" aria-label="<%= env.statusLabel %>"></span> <strong><%= env.name %></strong> · <span class="env-status"><%= env.statusLabel %></span><% if (env.isMuted) { %> <span class="muted-mark">muted</span><% } %></p>
  <%~ env.timeline %>
  <%~ env.durations %>
  <p>Last check-in: <% if (env.lastCheckIn) { %><time datetime="<%= env.lastCheckIn %>" data-zone="<%= it.zone %>" data-relative><%= env.lastCheckInText %></time><% } else { %>none<% } %><br>
  Next expected: <% if (env.nextCheckIn) { %><time datetime="<%= env.nextCheckIn %>" data-zone="<%= it.zone %>" data-relative><%= env.nextCheckInText %></time><% } else { %>nothing expected<% } %></p>
  <% if (env.nextScheduled.length > 0) { %><details><summary>Next <%= env.nextScheduled.length %> runs (<%= it.zone %>)</summary><ol><% env.nextScheduled.forEach(function (slot) { %><li><time datetime="<%= slot.iso %>" data-zone="<%= it.zone %>"><%= slot.text %></time></li><% }) %></ol></details><% } %>
  <% if (it.canWrite) { %>
  <form method="post" action="/orgs/<%= it.org %>/monitors/<%= it.monitor.slug %>/actions">
    <input type="hidden" name="_csrf" value="<%= it.csrf %>"><input type="hidden" name="environment" value="<%= env.name %>">
    <button type="submit" name="action" value="<%= env.isMuted ? 'unmute-environment' : 'mute-environment' %>"><%= env.isMuted ? 'Unmute' : 'Mute' %> <%= env.name %></button>
  </form>
  <% } %>
</section>
<% }) %>
</div>
<h2>Check-ins</h2>
<% if (it.checkins.length === 0) { %><p class="muted">No check-ins have been recorded yet.</p><% } else { %>
<div class="table-wrap" tabindex="0" role="region" aria-label="Check-ins (scrolls sideways on a narrow screen)"><table>
<caption class="visually-hidden">The latest runs, newest first</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Last signal</th><th scope="col">Duration</th><th scope="col">Environment</th><th scope="col">Expected</th></tr></thead>
<tbody>
<% it.checkins.forEach(function (c) { %>
<tr data-status="<%= c.status %>"><td><span class="icon s-<%= c.icon %>" aria-hidden="true"></span> <%= c.statusLabel %></td><td><time datetime="<%= c.started %>" data-zone="<%= it.zone %>"><%= c.startedText %></time></td><td><time datetime="<%= c.updated %>" data-zone="<%= it.zone %>"><%= c.updatedText %></time></td><td><%= c.duration %></td><td><%= c.environment %></td><td><% if (c.expected) { %><time datetime="<%= c.expected %>" data-zone="<%= it.zone %>"><%= c.expectedText %></time><% } %></td></tr>
<% }) %>
</tbody></table></div>
<% } %>
<h2 id="issues">Issues</h2>
<% if (it.issues.length === 0) { %><p class="muted">No issue: no environment has reached its failure threshold.</p><% } else { %>
<div class="table-wrap"><table class="monitor-issues">
<caption class="visually-hidden">Issues of this monitor, open and resolved, newest opened first</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Environment</th><th scope="col">Opened by</th><th scope="col">Failures</th><th scope="col">Opened</th><th scope="col">Resolved</th></tr></thead>
<tbody>
<% it.issues.forEach(function (i) { %>
<tr data-issue="<%= i.id %>" data-status="<%= i.status %>"><td><a href="/orgs/<%= it.org %>/issues/<%= i.id %>/"><span class="badge b-<%= i.status %>"><%= i.status %></span><span class="visually-hidden"> issue in <%= i.environment %> opened <%= i.openedText %></span></a></td><td><%= i.environment %></td><td><span class="icon s-<%= i.openingStatus %>" aria-hidden="true"></span> <%= i.openingLabel %></td><td><%= i.failureCount %></td><td><time datetime="<%= i.opened %>" data-local><%= i.openedText %></time></td><td><% if (i.resolved) { %><time datetime="<%= i.resolved %>" data-local><%= i.resolvedText %></time><% } else { %><span class="muted">open</span><% } %></td></tr>
<% }) %>
</tbody></table></div>
<% if (it.issues.length >= it.sectionSize) { %><p><a href="<%= it.moreIssuesUrl %>">All issues of this monitor</a></p><% } %>
<% } %>
<h2 id="processing-errors">Processing errors</h2>
<% if (it.processingErrors.length === 0) { %><p class="muted">No processing error: every check-in was applied as sent.</p><% } else { %>
<p class="muted">Check-ins that were refused or not applied as sent, newest first.</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Processing errors (scrolls sideways on a narrow screen)"><table class="processing-errors">
<caption class="visually-hidden">Processing errors of this monitor, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Error</th><th scope="col">Environment</th><th scope="col">Source</th></tr></thead>
<tbody>
<% it.processingErrors.forEach(function (e) { %>
<tr data-error="<%= e.id %>" data-code="<%= e.errors.map(function (x) { return x.code; }).join(' ') %>"><td><time datetime="<%= e.at %>" data-local><%= e.atText %></time></td><td><% e.errors.forEach(function (x) { %><div><code><%= x.code %></code> <%= x.text %></div><% }) %></td><td><%= e.environment || '' %></td><td><%= e.source %></td></tr>
<% }) %>
</tbody></table></div>
<% } %>
</div>
`;

export const MONITOR_PAGE = String.raw`<p><a href="/orgs/<%= it.org %>/monitors/">← Monitors</a></p>
<h1><%= it.monitor.name %></h1>
<p class="muted"><%= it.monitor.slug %> · project <%= it.monitor.project.name %><% if (it.monitor.owner) { %> · owner <%= it.monitor.owner.name %><% } %> · <span id="monitor-status"><%= it.monitorStatus %></span><% if (it.monitor.isMuted) { %> · <span class="muted-mark">muted</span><% } %></p>
<% if (it.monitor.tags.length > 0) { %><ul class="tags" aria-label="Tags"><% it.monitor.tags.forEach(function (t) { %><li class="tag"><%= t %></li><% }) %></ul><% } %>
<% if (it.flash) { %><p class="notice" role="status"><%= it.flash %></p><% } %>
<% if (it.error) { %><p class="alert" role="alert"><%= it.error %></p><% } %>
<p><strong><%= it.scheduleWords %></strong> · <code><%= it.scheduleWritten %></code> · margin <%= it.monitor.config.checkin_margin === null ? 'default' : it.monitor.config.checkin_margin + ' min' %> · max runtime <%= it.monitor.config.max_runtime === null ? 'default' : it.monitor.config.max_runtime + ' min' %> · zone <%= it.monitor.config.timezone %></p>
<% if (it.canWrite) { %>
<div class="actions">
  <form method="post" action="/orgs/<%= it.org %>/monitors/<%= it.monitor.slug %>/actions"><input type="hidden" name="_csrf" value="<%= it.csrf %>"><button type="submit" name="action" value="<%= it.monitor.isMuted ? 'unmute' : 'mute' %>"><%= it.monitor.isMuted ? 'Unmute' : 'Mute' %></button></form>
  <form method="post" action="/orgs/<%= it.org %>/monitors/<%= it.monitor.slug %>/actions"><input type="hidden" name="_csrf" value="<%= it.csrf %>"><button type="submit" name="action" value="<%= it.monitor.status === 'paused' ? 'resume' : 'pause' %>"><%= it.monitor.status === 'paused' ? 'Resume' : 'Pause' %></button></form>
</div>
<% } %>
<%~ it.state %>
<% if (it.canWrite) { %>
<h2 id="edit">Edit the schedule</h2>
<form method="post" action="/orgs/<%= it.org %>/monitors/<%= it.monitor.slug %>/edit" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <div class="field"><label for="e-schedule">Schedule (crontab, or a number and a unit such as <code>2 hour</code>)</label><input id="e-schedule" name="schedule" value="<%= it.form.schedule %>" size="24" aria-describedby="e-schedule-error"><% if (it.fieldErrors.schedule) { %><p class="field-error" id="e-schedule-error"><%= it.fieldErrors.schedule %></p><% } %></div>
  <div class="field"><label for="e-margin">Check-in margin (minutes)</label><input id="e-margin" name="checkin_margin" value="<%= it.form.checkin_margin %>" inputmode="numeric" size="6" aria-describedby="e-margin-error"><% if (it.fieldErrors.checkin_margin) { %><p class="field-error" id="e-margin-error"><%= it.fieldErrors.checkin_margin %></p><% } %></div>
  <div class="field"><label for="e-runtime">Max runtime (minutes)</label><input id="e-runtime" name="max_runtime" value="<%= it.form.max_runtime %>" inputmode="numeric" size="6" aria-describedby="e-runtime-error"><% if (it.fieldErrors.max_runtime) { %><p class="field-error" id="e-runtime-error"><%= it.fieldErrors.max_runtime %></p><% } %></div>
  <div class="field"><label for="e-timezone">Time zone</label><input id="e-timezone" name="timezone" value="<%= it.form.timezone %>" size="20" aria-describedby="e-timezone-error"><% if (it.fieldErrors.timezone) { %><p class="field-error" id="e-timezone-error"><%= it.fieldErrors.timezone %></p><% } %></div>
  <button class="primary" type="submit">Save</button>
</form>
<h2>Delete</h2>
<form method="post" action="/orgs/<%= it.org %>/monitors/<%= it.monitor.slug %>/actions">
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <div class="field"><label for="d-confirm">Type the slug <code><%= it.monitor.slug %></code> to delete the monitor, its issues and settings</label><input id="d-confirm" name="confirm" autocomplete="off" size="24"></div>
  <button class="danger" type="submit" name="action" value="delete">Delete monitor</button>
</form>
<% } %>
<h2>How to send check-ins</h2>
<% it.snippets.forEach(function (s) { %>
<details><summary><%= s.title %></summary><pre><code><%= s.code %></code></pre></details>
<% }) %>
`;
