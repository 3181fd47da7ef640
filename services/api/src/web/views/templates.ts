/**
 * The dashboard's Eta templates (autoEscape on: `<%= %>` escapes, `<%~ %>` inserts HTML the code built and
 * escaped itself: timelines, included parts). Kept as strings so the build (tsc) ships them with the code.
 */
export const LAYOUT = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><% if (it.failing > 0) { %>(<%= it.failing %> failing) <% } %><%= it.title %> · Vigil</title>
<link rel="icon" id="favicon" type="image/svg+xml" href="<%= it.failing > 0 ? it.assets.faviconFailing : it.assets.faviconOk %>" data-icon-ok="<%= it.assets.faviconOk %>" data-icon-failing="<%= it.assets.faviconFailing %>">
<link rel="stylesheet" href="<%= it.assets.css %>">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'>
<% if (it.csrf) { %><meta name="csrf-token" content="<%= it.csrf %>"><% } %>
<script src="<%= it.assets.htmx %>" defer></script>
<script src="<%= it.assets.js %>" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">Vigil</a>
  <% if (it.session) { %>
  <nav aria-label="Main"><% [['monitors', 'Monitors'], ['issues', 'Issues'], ['alerts', 'Alerts'], ['settings', 'Settings'], ['account', 'Account']].concat(it.session.role === 'admin' || it.session.role === 'owner' ? [['status', 'Status']] : []).forEach(function (link) { %><a href="/orgs/<%= it.session.org %>/<%= link[0] %>/"<% if (it.current === link[0]) { %> aria-current="page"<% } %>><%= link[1] %></a><% }) %></nav>
  <span class="who"><%= it.session.email %> · <%= it.session.role %></span>
  <form method="post" action="/signout"><input type="hidden" name="_csrf" value="<%= it.csrf %>"><button type="submit">Sign out</button></form>
  <% } %>
</header>
<main id="main">
<%~ it.body %>
</main>
</body>
</html>
`;

export const SIGN_IN = String.raw`<div class="signin">
<h1>Sign in to Vigil</h1>
<% if (it.error) { %><p class="alert" role="alert" id="signin-error"><%= it.error %></p><% } %>
<form method="post" action="/signin">
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <input type="hidden" name="next" value="<%= it.next %>">
  <div class="field"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="<%= it.email %>"></div>
  <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
  <button class="primary" type="submit">Sign in</button>
</form>
<p class="muted">Forgot it? An operator can run <code>vigil admin reset-password &lt;email&gt;</code>.</p>
</div>
`;

export const ERROR_PAGE = String.raw`<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<p><a href="/">Back to the monitors</a></p>
`;

/** One monitor-environment row of the list: icon, name, timeline, last and next check-in. */
export const ENV_ROW = String.raw`<div class="env" data-env="<%= it.env.name %>" data-status="<%= it.env.status %>">
  <span class="icon s-<%= it.env.status %>" role="img" aria-label="<%= it.env.statusLabel %>" title="<%= it.env.statusLabel %>"></span>
  <span><%= it.env.name %><% if (it.env.isMuted) { %> <span class="muted-mark" title="Muted: issues are recorded, nobody is notified">muted</span><% } %></span>
  <%~ it.env.timeline %>
  <span class="when"><span class="visually-hidden">Last check-in: </span><% if (it.env.lastCheckIn) { %><time datetime="<%= it.env.lastCheckIn %>" data-zone="<%= it.zone %>" data-relative><%= it.env.lastCheckInText %></time><% } else { %><span class="muted">no check-in</span><% } %></span>
  <span class="when"><% if (it.env.nextCheckIn) { %>next <time datetime="<%= it.env.nextCheckIn %>" data-zone="<%= it.zone %>" data-relative><%= it.env.nextCheckInText %></time><% } else { %><span class="muted">nothing expected</span><% } %></span>
</div>
`;

/**
 * The monitors list, also answered alone to the page's poll (`/monitors-live`) when it changed. The poll sends
 * `data-since` back (the browser script adds it, and keeps the one a 204 answer brings).
 */
export const MONITOR_LIST = String.raw`<div id="monitor-list" data-failing="<%= it.failing %>" data-title="Monitors · Vigil" data-since="<%= it.since %>" hx-get="<%= it.liveUrl %>" hx-trigger="every <%= it.pollMs %>ms" hx-swap="outerHTML">
<p class="summary" aria-live="polite"><strong><%= it.failing %> failing</strong> of <%= it.total %> monitor<%= it.total === 1 ? '' : 's' %><% if (it.total > it.monitors.length && it.monitors.length > 0) { %>, failing first: <%= it.pages.first %> to <%= it.pages.last %> here<% } %>.</p>
<% if (it.monitors.length === 0) { %>
<% if (it.pages.firstPage) { %><p class="notice">This page is past the last one. <a href="<%= it.pages.firstPage %>">First page</a></p>
<% } else { %><p class="notice">No monitor matches. A job creates one with its first check-in: see the README ("Point your client at Vigil").</p><% } %>
<% } else { %>
<div class="axis" aria-hidden="true"><span></span><span></span><span class="ends"><span><%= it.rangeLabel %> ago</span><span>now</span></span><span>Last check-in</span><span>Next expected</span></div>
<ul class="monitors">
<% it.monitors.forEach(function (m) { %>
<li class="monitor" data-slug="<%= m.slug %>" data-status="<%= m.status %>">
  <div class="m-head">
    <a href="/orgs/<%= it.org %>/monitors/<%= m.slug %>/"><%= m.name %></a>
    <span class="muted"><%= m.slug %> · <%= m.project %><% if (m.owner) { %> · <%= m.owner %><% } %></span>
    <span title="<%= m.scheduleWritten %>"><%= m.scheduleWords %> <code><%= m.scheduleWritten %></code></span>
    <% if (m.paused) { %><span class="muted-mark">paused</span><% } %><% if (m.isMuted) { %><span class="muted-mark">muted</span><% } %>
    <% if (m.tags.length > 0) { %><ul class="tags" aria-label="Tags of <%= m.name %>"><% m.tags.forEach(function (t) { %><li class="tag"><a href="<%= it.tagUrl(t) %>" title="Only monitors tagged <%= t %>"><%= t %></a></li><% }) %></ul><% } %>
  </div>
  <% if (m.environments.length === 0) { %><p class="muted">No check-in yet.</p><% } %>
  <% m.environments.forEach(function (env) { %><%~ include('@env-row', { env: env, zone: m.zone }) %><% }) %>
</li>
<% }) %>
</ul>
<% } %>
<% if (it.pages.previous || it.pages.next) { %>
<nav class="pages" aria-label="Pages of the list"><% if (it.pages.previous) { %><a href="<%= it.pages.previous %>" rel="prev">Previous <%= it.pages.size %></a><% } %><% if (it.pages.next) { %><a href="<%= it.pages.next %>" rel="next">Next <%= Math.min(it.pages.size, it.total - it.pages.last) %></a><% } %></nav>
<% } %>
</div>
`;

export const MONITORS_PAGE = String.raw`<h1>Monitors</h1>
<form class="filters" method="get" action="/orgs/<%= it.org %>/monitors/" role="search">
  <div class="field"><label for="f-project">Project</label><select id="f-project" name="project"><option value="">All projects</option><% it.projects.forEach(function (p) { %><option value="<%= p.slug %>"<%= p.slug === it.filters.project ? ' selected' : '' %>><%= p.name %></option><% }) %></select></div>
  <div class="field"><label for="f-environment">Environment</label><input id="f-environment" name="environment" value="<%= it.filters.environment %>" placeholder="all" size="12"></div>
  <div class="field"><label for="f-status">Status</label><select id="f-status" name="status"><option value="">Any status</option><% it.statuses.forEach(function (s) { %><option value="<%= s.value %>"<%= s.value === it.filters.status ? ' selected' : '' %>><%= s.label %></option><% }) %></select></div>
  <div class="field"><label for="f-tag">Tag</label><input id="f-tag" name="tag" value="<%= it.filters.tag %>" placeholder="any" size="12" aria-describedby="f-tag-help"><p class="visually-hidden" id="f-tag-help">Words separated by spaces: only monitors with every one of them</p></div>
  <div class="field"><label for="f-q">Search</label><input id="f-q" name="q" type="search" value="<%= it.filters.q %>" placeholder="name or slug" size="16"></div>
  <div class="field"><label for="f-range">Timeline</label><select id="f-range" name="range"><% it.ranges.forEach(function (r) { %><option value="<%= r %>"<%= r === it.filters.range ? ' selected' : '' %>><%= r %></option><% }) %></select></div>
  <button type="submit">Apply</button>
</form>
<div class="legend" aria-hidden="true"><span class="l-ok">Okay</span><span class="l-error">Failed</span><span class="l-timeout">Timed out</span><span class="l-missed">Missed</span><span class="l-in_progress">In progress</span><span class="l-unknown">Unknown (Vigil could not tell: its own pipeline was down)</span></div>
<%~ it.list %>
`;
