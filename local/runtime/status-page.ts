/** The status page: plain HTML and a little script that refreshes from /_local/status every two seconds. */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Konnektive ⇄ Zapier — local status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  :root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; background: #f5f6f8; }
  body { margin: 0; padding: 24px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .sub { color: #5b6472; font-size: 13px; margin-bottom: 20px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
  section { background: #fff; border: 1px solid #e1e4ea; border-radius: 8px; padding: 14px 16px; }
  h2 { font-size: 14px; margin: 0 0 10px; text-transform: uppercase; letter-spacing: .04em; color: #3c4454; }
  table { width: 100%; border-collapse: collapse; font-size: 13px; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
  th { color: #6b7385; font-weight: 600; }
  .empty { color: #8a92a3; font-size: 13px; }
  .ok { color: #137333; } .bad { color: #b3261e; } .warn { color: #a45d00; }
  .pill { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #eef2ff; font-size: 12px; }
  button { font: inherit; font-size: 13px; padding: 4px 10px; border-radius: 6px; border: 1px solid #c5cad3; background: #fff; cursor: pointer; }
  code { font-size: 12px; }
</style>
</head>
<body>
<h1>Konnektive ⇄ Zapier — local runtime</h1>
<div class="sub" id="meta">loading…</div>
<div class="grid">
  <section><h2>Connections</h2><div id="connections"></div></section>
  <section><h2>Subscriptions</h2><div id="subscriptions"></div></section>
  <section><h2>Cursors (poll lag)</h2><div id="cursors"></div></section>
  <section><h2>Queues</h2><div id="queues"></div></section>
  <section><h2>Recent deliveries</h2><div id="deliveries"></div></section>
  <section><h2>Failures &amp; retries</h2><div id="failures"></div></section>
  <section><h2>Dead letters <button id="redrive-all" type="button">Redrive all</button></h2><div id="dead-letters"></div></section>
</div>
<script>
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const table = (rows, columns) => rows.length === 0
  ? '<div class="empty">none</div>'
  : '<table><thead><tr>' + columns.map((c) => '<th>' + esc(c[0]) + '</th>').join('') + '</tr></thead><tbody>'
    + rows.map((r) => '<tr>' + columns.map((c) => '<td>' + c[1](r) + '</td>').join('') + '</tr>').join('') + '</tbody></table>';
const time = (iso) => iso ? esc(String(iso).slice(11, 19)) : '';
async function redrive(id) {
  await fetch('/_local/dead-letters/redrive' + (id ? '?id=' + encodeURIComponent(id) : ''), { method: 'POST' });
  refresh();
}
document.getElementById('redrive-all').addEventListener('click', () => redrive());
async function refresh() {
  try {
    const s = await (await fetch('/_local/status', { cache: 'no-store' })).json();
    document.getElementById('meta').textContent = 'updated ' + s.now.slice(11, 19) + ' UTC · Konnektive ' + s.konnektive;
    document.getElementById('connections').innerHTML = table(s.connections, [
      ['label', (r) => esc(r.label)], ['status', (r) => '<span class="' + (r.status === 'active' ? 'ok' : 'bad') + '">' + esc(r.status) + '</span>'], ['time zone', (r) => esc(r.timeZone)]]);
    document.getElementById('subscriptions').innerHTML = table(s.subscriptions, [
      ['connection', (r) => esc(r.connection)], ['trigger', (r) => '<span class="pill">' + esc(r.trigger + '.' + r.type) + '</span>'], ['target', (r) => '<code>' + esc(r.targetUrl) + '</code>']]);
    document.getElementById('cursors').innerHTML = table(s.cursors, [
      ['connection', (r) => esc(r.connection)], ['stream', (r) => esc(r.stream)], ['high-water mark', (r) => time(r.hwm)],
      ['lag', (r) => '<span class="' + (r.lagSeconds > 600 ? 'bad' : r.lagSeconds > 60 ? 'warn' : 'ok') + '">' + esc(r.lagSeconds) + ' s</span>'], ['', (r) => r.polling ? 'polling…' : '']]);
    document.getElementById('queues').innerHTML = table(Object.entries(s.queues), [
      ['queue', (r) => esc(r[0])], ['messages', (r) => esc(r[1].total)], ['visible', (r) => esc(r[1].visible)], ['in flight / waiting', (r) => esc(r[1].inFlight)]]);
    document.getElementById('deliveries').innerHTML = table(s.deliveries, [
      ['at', (r) => time(r.at)], ['event', (r) => esc(r.event)], ['record', (r) => esc(r.recordId)], ['status', (r) => '<span class="ok">' + esc(r.status) + '</span>'], ['latency', (r) => esc(r.latencyMs) + ' ms']]);
    document.getElementById('failures').innerHTML = table(s.failures, [
      ['at', (r) => time(r.at)], ['what', (r) => '<span class="bad">' + esc(r.kind) + '</span>'], ['detail', (r) => esc(r.reason || r.message || r.url || '')]]);
    document.getElementById('dead-letters').innerHTML = table(s.deadLetters, [
      ['at', (r) => time(r.at)], ['event', (r) => esc(r.event || '?') + ' <code>' + esc(r.eventId || '') + '</code>'], ['reason', (r) => esc(r.reason)],
      ['', (r) => '<button type="button" data-redrive="' + esc(r.id) + '">Redrive</button>']]);
    for (const b of document.querySelectorAll('[data-redrive]')) b.addEventListener('click', () => redrive(b.getAttribute('data-redrive')));
  } catch (e) {
    document.getElementById('meta').textContent = 'cannot reach the runtime: ' + e;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;
