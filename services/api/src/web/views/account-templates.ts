/** The account page's template (conventions in templates.ts). */

/** A password field with its label and the error beside it. */
const PASSWORD_FIELD = String.raw`<div class="field"><label for="p-<%= it.name %>"><%= it.label %></label><input id="p-<%= it.name %>" name="<%= it.name %>" type="password" autocomplete="<%= it.autocomplete %>" required<% if (it.minLength) { %> minlength="<%= it.minLength %>"<% } %><% if (it.hint || it.error) { %> aria-describedby="<% if (it.hint) { %>p-<%= it.name %>-hint <% } %><% if (it.error) { %>p-<%= it.name %>-error<% } %>"<% } %><% if (it.error) { %> aria-invalid="true"<% } %>><% if (it.hint) { %><p class="hint" id="p-<%= it.name %>-hint"><%= it.hint %></p><% } %><% if (it.error) { %><p class="field-error" id="p-<%= it.name %>-error"><%= it.error %></p><% } %></div>`;

export const ACCOUNT_PAGE = String.raw`<h1>Account</h1>
<% if (it.flash) { %><p class="notice" role="status" id="flash"><%= it.flash %></p><% } %>
<% if (it.error) { %><p class="alert" role="alert"><%= it.error %></p><% } %>
<dl class="facts">
  <dt>Email</dt><dd><%= it.member.email %></dd>
  <dt>Name</dt><dd><%= it.member.name %></dd>
  <dt>Organization</dt><dd><%= it.org %></dd>
  <dt>Role</dt><dd><%= it.member.role %></dd>
  <dt>Teams</dt><dd><%= it.member.teams.length > 0 ? it.member.teams.join(', ') : 'none' %></dd>
  <dt>Member since</dt><dd><time datetime="<%= it.member.dateCreated %>" data-local><%= it.member.joinedText %></time></dd>
</dl>
<h2>Change your password</h2>
<form method="post" action="/orgs/<%= it.org %>/account/password" class="narrow" novalidate>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <input type="hidden" name="username" value="<%= it.member.email %>" autocomplete="username">
  <%~ include('@password-field', { name: 'current_password', label: 'Current password', autocomplete: 'current-password', error: it.fieldErrors.current_password }) %>
  <%~ include('@password-field', { name: 'new_password', label: 'New password', autocomplete: 'new-password', minLength: it.minLength, hint: 'At least ' + it.minLength + ' characters. Every other session of yours is signed out.', error: it.fieldErrors.new_password }) %>
  <%~ include('@password-field', { name: 'confirm_password', label: 'New password again', autocomplete: 'new-password', error: it.fieldErrors.confirm_password }) %>
  <button class="primary" type="submit">Change password</button>
</form>
`;

export const ACCOUNT_TEMPLATES: Record<string, string> = { '@password-field': PASSWORD_FIELD, '@account': ACCOUNT_PAGE };
