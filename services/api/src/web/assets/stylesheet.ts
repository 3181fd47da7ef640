/** The dashboard's stylesheet: one file, system fonts, light and dark themes from the system setting. */
export const APP_CSS = String.raw`
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --link: #0550ae; --focus: #0969da;
  --ok: #1a7f37; --error: #cf222e; --timeout: #82071e; --missed: #9a6700; --late: #bc4c00; --progress: #6e7781; --paused: #6e7781; --new: #0550ae;
  --unknown: #8250df; --p50: #0550ae; --p99: #9ec5fe;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23; --link: #4493f8; --focus: #4493f8;
    --ok: #3fb950; --error: #f85149; --timeout: #ff7b72; --missed: #d29922; --late: #db6d28; --progress: #9198a1; --paused: #9198a1; --new: #4493f8;
    --unknown: #ab7df8; --p50: #4493f8; --p99: #1f4a80;
  }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--link); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
header.top nav { display: flex; gap: 1rem; flex: 1; }
header.top .who { color: var(--muted); font-size: .9em; }
main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: .2rem 0 .8rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .6rem; }
.muted { color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
pre { background: var(--panel); border: 1px solid var(--line); padding: .6rem; overflow-x: auto; border-radius: 6px; }
button, input, select, textarea { font: inherit; color: inherit; }
input, select { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .35rem .5rem; min-height: 2.2rem; }
button { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .35rem .8rem; min-height: 2.2rem; cursor: pointer; }
button.primary { background: var(--focus); border-color: var(--focus); color: #fff; }
button.danger { color: var(--error); border-color: var(--error); }
label { display: block; font-weight: 600; font-size: .9em; margin-bottom: .2rem; }
.field { margin-bottom: .8rem; }
.field-error { color: var(--error); font-size: .9em; margin: .2rem 0 0; }
.alert { border: 1px solid var(--error); color: var(--error); padding: .5rem .8rem; border-radius: 6px; margin-bottom: 1rem; }
.notice { border: 1px solid var(--line); background: var(--panel); padding: .5rem .8rem; border-radius: 6px; margin-bottom: 1rem; }
.signin { max-width: 24rem; margin: 3rem auto; }
.signin input { width: 100%; }
.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-end; margin-bottom: 1rem; }
.filters .field { margin: 0; }
.summary { margin: 0 0 .8rem; }
nav.pages { display: flex; gap: 1rem; justify-content: flex-end; padding: .6rem 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
ul.monitors { list-style: none; padding: 0; margin: 0; border-top: 1px solid var(--line); }
li.monitor { border-bottom: 1px solid var(--line); padding: .6rem 0; }
.m-head { display: flex; flex-wrap: wrap; gap: .2rem .8rem; align-items: baseline; }
.m-head a { font-weight: 600; }
.env { display: grid; grid-template-columns: 1.4rem minmax(5rem, 9rem) minmax(8rem, 1fr) 9rem 10rem; gap: .6rem; align-items: center; padding: .2rem 0; }
.env .when { font-size: .9em; }
.axis { display: grid; grid-template-columns: 1.4rem minmax(5rem, 9rem) minmax(8rem, 1fr) 9rem 10rem; gap: .6rem; font-size: .8em; color: var(--muted); }
.axis .ends { display: flex; justify-content: space-between; }
@media (max-width: 760px) {
  .env { grid-template-columns: 1.4rem 1fr auto; }
  .env svg.timeline { grid-column: 1 / -1; }
  .env .when { grid-column: 2 / -1; }
  .axis { display: none; }
}
svg.timeline { width: 100%; height: 16px; padding: 2px 0; display: block; background: var(--panel); border-radius: 3px; }
svg.timeline rect { rx: 2px; }
.t-ok { fill: var(--ok); } .t-error { fill: var(--error); } .t-timeout { fill: var(--timeout); } .t-missed { fill: var(--missed); } .t-in_progress { fill: var(--progress); }
.t-unknown { fill: var(--unknown); }
.icon { display: inline-block; width: 1.1rem; height: 1.1rem; border-radius: 50%; border: 2px solid transparent; vertical-align: middle; }
.s-ok { background: var(--ok); } .s-error { background: var(--error); } .s-timeout { background: var(--timeout); } .s-missed { background: var(--missed); }
.s-late { background: var(--late); } .s-in_progress { border-color: var(--progress); border-top-color: transparent; }
.s-paused, .s-disabled { background: repeating-linear-gradient(90deg, var(--paused) 0 3px, transparent 3px 6px); }
.s-new { border-color: var(--new); }
.s-unknown { background: repeating-linear-gradient(45deg, var(--unknown) 0 3px, transparent 3px 5px); }
.muted-mark { font-size: .8em; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 .3rem; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .85em; color: var(--muted); margin: .6rem 0; }
.legend span::before { content: ""; display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem; vertical-align: -1px; }
.legend .l-ok::before { background: var(--ok); } .legend .l-error::before { background: var(--error); } .legend .l-timeout::before { background: var(--timeout); }
.legend .l-missed::before { background: var(--missed); } .legend .l-in_progress::before { background: var(--progress); }
.legend .l-unknown::before { background: var(--unknown); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.table-wrap { overflow-x: auto; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: .8rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; }
.actions form { margin: 0; }
ul.tags { display: inline-flex; flex-wrap: wrap; gap: .25rem; list-style: none; padding: 0; margin: 0; }
li.tag { font-size: .8em; border: 1px solid var(--line); background: var(--panel); border-radius: 999px; padding: 0 .45rem; }
li.tag a { color: inherit; text-decoration: none; }
li.tag a:hover { text-decoration: underline; }
nav.ranges { display: flex; flex-wrap: wrap; gap: .3rem .8rem; align-items: baseline; margin: .8rem 0 0; }
nav.ranges a[aria-current="page"] { font-weight: 700; color: var(--fg); }
figure.durations { margin: .6rem 0; }
figure.durations figcaption { font-size: .85em; color: var(--muted); margin-bottom: .2rem; }
figure.durations .key::before { content: ""; display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .25rem; vertical-align: -1px; }
figure.durations .k-p50::before { background: var(--p50); } figure.durations .k-p99::before { background: var(--p99); }
.d-plot { display: grid; grid-template-columns: auto 1fr; gap: .3rem; }
.d-y { display: flex; flex-direction: column; justify-content: space-between; text-align: right; font-size: .75em; color: var(--muted); line-height: 1; }
.d-x { display: flex; justify-content: space-between; font-size: .75em; color: var(--muted); margin-left: 2.5rem; }
svg.durations { width: 100%; height: 80px; display: block; background: var(--panel); border-radius: 3px; }
svg.durations .d-grid { stroke: var(--line); stroke-width: 1px; vector-effect: non-scaling-stroke; fill: none; }
svg.durations .d-hit { fill: transparent; }
svg.durations .d-p50 { fill: var(--p50); } svg.durations .d-p99 { fill: var(--p99); }
.d-empty { font-size: .85em; margin: .2rem 0 0; }
details { margin: .6rem 0; }
summary { cursor: pointer; font-weight: 600; }
`;
