/** Styles of the issues, alerts, settings, account and status pages; served in one file with APP_CSS (assets.ts). */
export const PAGES_CSS = String.raw`
header.top nav { flex-wrap: wrap; gap: .3rem 1rem; }
header.top nav a[aria-current="page"] { font-weight: 700; color: var(--fg); text-decoration-thickness: 2px; }
.badge { display: inline-block; font-size: .8em; font-weight: 600; border-radius: 999px; padding: 0 .5rem; border: 1px solid currentColor; text-transform: lowercase; }
.b-open, .b-dead, .b-down, .b-not_ready { color: var(--error); }
.b-resolved, .b-succeeded, .b-ready, .b-active { color: var(--ok); }
.b-pending, .b-sending, .b-revoked, .b-unknown { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
/* Hidden labels (position: absolute) inside a scrolling table stay inside it rather than widen the page. */
.table-wrap { position: relative; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
ul.deliveries, ul.plain { list-style: none; padding: 0; margin: 0; }
li.delivery { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .8rem; margin-bottom: .6rem; }
li.delivery p { margin: 0 0 .4rem; }
dd code { overflow-wrap: anywhere; }
/* Long tokens (DSNs, URLs, ids) wrap in a column at least 16 characters wide rather than one character a line. */
td code { overflow-wrap: anywhere; display: inline-block; min-width: 16ch; max-width: 100%; }
.secret { border: 2px solid var(--ok); border-radius: 8px; padding: .6rem .9rem; margin-bottom: 1rem; }
.secret code { display: block; font-size: 1em; padding: .4rem; background: var(--panel); overflow-wrap: anywhere; user-select: all; }
.row-form { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: 0; }
.row-form select { min-width: 7rem; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .9rem; margin: 0 0 1rem; min-width: 0; }
main select { max-width: 100%; }
legend { font-weight: 600; padding: 0 .3rem; }
.checks { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
.checks label { display: inline-flex; gap: .4rem; align-items: center; font-weight: 400; }
.checks input { min-height: auto; }
textarea { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .35rem .5rem; width: min(100%, 32rem); }
form.narrow { max-width: 24rem; }
form.narrow input { width: 100%; }
input.wide { width: min(100%, 32rem); }
.hint { color: var(--muted); font-size: .85em; margin: .2rem 0 0; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 0 1.5rem; }
/* White on the dark theme's lighter blue is 3.1:1; dark text on it is 5.7:1 (WCAG AA). */
@media (prefers-color-scheme: dark) { button.primary { color: #0d1117; } }
@media (max-width: 760px) { header.top nav { order: 3; flex-basis: 100%; } .grid2 { grid-template-columns: 1fr; } dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .3rem; } }
`;
