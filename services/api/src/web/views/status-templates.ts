/** The status page's template (conventions in templates.ts). */
export const STATUS_PAGE = String.raw`<h1>Status of Vigil</h1>
<p class="summary"><strong><%= it.summary %></strong> · checked <time datetime="<%= it.checkedAt %>" data-local><%= it.checkedText %></time> · <a href="/orgs/<%= it.org %>/status/">Check again</a></p>
<div class="table-wrap"><table class="services">
<caption class="visually-hidden">Each service: ready or not, its clock lag and its consumers' lag</caption>
<thead><tr><th scope="col">Service</th><th scope="col">State</th><th scope="col">Clock lag</th><th scope="col">Consumer lag (messages)</th><th scope="col">Details</th></tr></thead>
<tbody>
<% it.services.forEach(function (s) { %>
<tr data-service="<%= s.name %>" data-state="<%= s.state %>">
  <th scope="row"><%= s.name %></th>
  <td><span class="badge b-<%= s.state === 'down' ? 'down' : s.state %>"><%= s.state === 'not_ready' ? 'not ready' : s.state === 'down' ? 'unreachable' : 'ready' %></span></td>
  <td class="clock-lag"><%= s.clockLagText %></td>
  <td class="consumer-lag"><% if (s.consumerLag.length > 0) { %><%= s.consumerLagTotal %><ul class="plain"><% s.consumerLag.forEach(function (l) { %><li><code><%= l.topic %></code>: <%= l.messages %></li><% }) %></ul><% } %></td>
  <td><% if (s.detail) { %><%= s.detail %><br><% } %><span class="muted"><code><%= s.readyUrl %></code></span><% if (s.metricsError && s.state !== 'down') { %><br><span class="muted">metrics: <%= s.metricsError %></span><% } %></td>
</tr>
<% }) %>
</tbody></table></div>
<p class="hint">Ready: the service's <code>/readyz</code> answered 200. Clock lag: how far behind the wall clock the scheduler's detection runs (<code>vigil_clock_lag_seconds</code>). Consumer lag: messages each consumer group has yet to process, per topic (<code>vigil_consumer_lag_messages</code>). Where the page looks for each service: <code>VIGIL_STATUS_URLS</code> (docs/operations.md).</p>
`;
