/**
 * The dashboard's only script besides htmx: sends the CSRF token with htmx requests, keeps the tab title and the
 * favicon on the failing count, and shows times relative to now with the exact time in the viewer's zone and the
 * monitor's zone on hover; times marked `data-local` (UTC from the server) are shown in the viewer's zone, named. Pages work without it; it adds live updates and local times.
 */
export const APP_JS = String.raw`
(function () {
  'use strict';
  var csrf = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener('htmx:configRequest', function (event) {
    if (csrf) event.detail.headers['X-CSRF-Token'] = csrf.getAttribute('content');
    // A live part's poll says what it shows (data-since); the server answers 204 while that is still right.
    var since = event.detail.elt && event.detail.elt.getAttribute('data-since');
    if (since && event.detail.verb === 'get') event.detail.parameters['since'] = since;
  });
  document.addEventListener('htmx:afterRequest', function (event) {
    var xhr = event.detail.xhr;
    var since = xhr && xhr.status === 204 ? xhr.getResponseHeader('X-Vigil-Since') : null;
    if (since && event.detail.elt) event.detail.elt.setAttribute('data-since', since);
  });
  var rtf = typeof Intl.RelativeTimeFormat === 'function' ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null;
  var steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
  function relative(date) {
    var delta = (date.getTime() - Date.now()) / 1000;
    for (var i = 0; i < steps.length; i++) {
      if (Math.abs(delta) < steps[i][0] || i === steps.length - 1) return rtf ? rtf.format(Math.round(delta), steps[i][1]) : date.toISOString();
      delta /= steps[i][0];
    }
    return date.toISOString();
  }
  function exact(date, zone) {
    var options = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' };
    if (zone) options.timeZone = zone;
    try { return date.toLocaleString(undefined, options) + (zone ? ' (' + zone + ')' : ''); } catch (e) { return date.toISOString(); }
  }
  function times(root) {
    var list = (root || document).querySelectorAll('time[datetime]');
    for (var i = 0; i < list.length; i++) {
      var node = list[i];
      var date = new Date(node.getAttribute('datetime'));
      if (isNaN(date.getTime())) continue;
      var zone = node.getAttribute('data-zone');
      node.title = exact(date) + (zone ? '\n' + exact(date, zone) : '') + '\n' + date.toISOString();
      if (node.hasAttribute('data-relative')) node.textContent = relative(date);
      else if (node.hasAttribute('data-local')) node.textContent = exact(date);
    }
  }
  function status() {
    var list = document.querySelector('div[data-failing]');
    if (!list) return;
    var failing = Number(list.getAttribute('data-failing')) || 0;
    var title = list.getAttribute('data-title') || document.title;
    document.title = (failing > 0 ? '(' + failing + ' failing) ' : '') + title;
    var icon = document.getElementById('favicon');
    if (icon) icon.setAttribute('href', icon.getAttribute(failing > 0 ? 'data-icon-failing' : 'data-icon-ok'));
  }
  document.addEventListener('htmx:afterSettle', function () { times(); status(); });
  document.addEventListener('DOMContentLoaded', function () { times(); status(); });
  setInterval(times, 15000);
})();
`;
