// Switchyard live dashboard: polls /admin/dashboard.json and redraws. No framework, no build
// step, no third-party code: tables are DOM, charts are inline SVG drawn here.
/* global document, fetch */
'use strict';

(function () {
  const POLL_MS = 1500;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#5aa9ff', '#3ecf8e', '#c084fc', '#f5b942', '#2dd4bf', '#fb7185', '#a3e635', '#f97316', '#60a5fa', '#e879f9'];
  const colors = new Map();
  const $ = (id) => document.getElementById(id);

  // ---------- formatting ----------
  const fmtInt = (n) => (n === undefined || n === null ? '–' : Math.round(n).toLocaleString('en-US'));
  const fmtPct = (x) => (x === undefined || x === null ? '–' : `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`);
  function fmtMs(ms) {
    if (ms === undefined || ms === null) return '–';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  }
  function fmtUsd(usd) {
    if (usd === undefined || usd === null) return '–';
    if (usd === 0) return '$0';
    if (usd >= 100) return `$${usd.toFixed(0)}`;
    if (usd >= 1) return `$${usd.toFixed(2)}`;
    if (usd >= 0.01) return `$${usd.toFixed(3)}`;
    return `$${usd.toPrecision(2)}`;
  }
  function fmtTokens(n) {
    if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
    if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
    if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
    return String(n);
  }
  const fmtClock = (t) => new Date(t).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const fmtHm = (t) => new Date(t).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

  function colorFor(id) {
    if (id === 'failed') return '#ff6b6b';
    if (!colors.has(id)) colors.set(id, PALETTE[colors.size % PALETTE.length]);
    return colors.get(id);
  }

  // ---------- DOM helpers ----------
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }
  function swatch(color) {
    const s = el('span', 'swatch');
    s.style.background = color;
    return s;
  }
  function replaceRows(tbody, rows, emptyText, columns) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      const tr = el('tr', 'empty');
      const td = el('td', '', emptyText);
      td.colSpan = columns;
      tr.append(td);
      tbody.append(tr);
      return;
    }
    tbody.append(...rows);
  }
  const severity = (rate) => (rate >= 0.2 ? 'bad' : rate >= 0.05 ? 'warn' : '');

  // ---------- KPIs ----------
  function renderKpis(snap) {
    const g = snap.stats.gateway;
    const minutes = snap.windowMs / 60_000;
    $('kpi-requests').textContent = fmtInt(g.requests);
    $('kpi-rate').textContent = `${(g.requests / minutes).toFixed(1)} / min`;
    const errors = $('kpi-errors');
    errors.textContent = fmtPct(g.errorRate);
    errors.className = `kpi-value ${g.requests === 0 ? '' : severity(g.errorRate) || 'good'}`;
    const classes = Object.entries(g.errorRateByClass).sort((a, b) => b[1] - a[1]);
    $('kpi-error-classes').textContent = classes.length ? classes.map(([c, r]) => `${c} ${fmtPct(r)}`).join(' · ') : 'no failures';
    $('kpi-latency').textContent = g.latencyMs.p50 === undefined ? '–' : `${fmtMs(g.latencyMs.p50)} · ${fmtMs(g.latencyMs.p95)}`;
    $('kpi-ttft').textContent = g.ttftMs.p50 === undefined ? '' : `TTFT p50 ${fmtMs(g.ttftMs.p50)}`;
    $('kpi-spend').textContent = fmtUsd(g.costUsd.total);
    $('kpi-spend-avg').textContent = g.requests ? `${fmtUsd(g.costUsd.average)} per request` : '';
    $('kpi-tokens').textContent = fmtTokens(g.tokens.input + g.tokens.output);
    $('kpi-tps').textContent = `${fmtTokens(g.tokens.input)} in · ${fmtTokens(g.tokens.output)} out`;
    $('kpi-total').textContent = fmtInt(snap.sinceStart.requests);
    $('kpi-total-spend').textContent = `${fmtUsd(snap.sinceStart.costUsd.total)} spent`;
  }

  // ---------- charts ----------
  function niceMax(value) {
    if (value <= 0) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 4, 8, 10]) if (step * power >= value) return step * power;
    return 10 * power;
  }

  function frame(container, maxValue, points, stepMs, formatTick) {
    const width = Math.max(320, container.clientWidth);
    const height = Math.max(120, container.clientHeight);
    const pad = { left: 46, right: 8, top: 8, bottom: 20 };
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
    const plotW = width - pad.left - pad.right;
    const plotH = height - pad.top - pad.bottom;
    const top = niceMax(maxValue);
    for (let i = 0; i <= 4; i++) {
      const y = pad.top + plotH - (plotH * i) / 4;
      root.append(svg('line', { class: i === 0 ? 'axis' : 'grid-line', x1: pad.left, x2: width - pad.right, y1: y, y2: y }));
      const label = svg('text', { class: 'tick', x: pad.left - 6, y: y + 3, 'text-anchor': 'end' });
      label.textContent = formatTick((top * i) / 4);
      root.append(label);
    }
    const n = Math.max(1, points.length);
    const labelEvery = Math.max(1, Math.ceil(n / 6));
    points.forEach((p, i) => {
      if (i % labelEvery !== 0) return;
      const label = svg('text', { class: 'tick', x: pad.left + (plotW * (i + 0.5)) / n, y: height - 5, 'text-anchor': 'middle' });
      label.textContent = stepMs >= 60_000 ? fmtHm(p.t) : fmtClock(p.t);
      root.append(label);
    });
    const x = (i) => pad.left + (plotW * i) / n;
    const y = (v) => pad.top + plotH - (plotH * v) / top;
    return { root, x, y, barW: plotW / n, plotH, pad };
  }

  function renderRequestsChart(snap) {
    const container = $('chart-requests');
    const points = snap.series.points;
    const max = points.reduce((m, p) => Math.max(m, p.requests, Object.values(p.byDeployment).reduce((a, b) => a + b, 0)), 0);
    const f = frame(container, max, points, snap.series.stepMs, (v) => (v % 1 === 0 ? String(v) : v.toFixed(1)));
    const gap = f.barW > 6 ? 1.5 : 0.5;
    points.forEach((p, i) => {
      let base = 0;
      for (const [deployment, calls] of Object.entries(p.byDeployment).sort()) {
        const y0 = f.y(base);
        const y1 = f.y(base + calls);
        const rect = svg('rect', { class: 'bar', 'data-deployment': deployment, x: f.x(i) + gap, y: y1, width: Math.max(1, f.barW - 2 * gap), height: Math.max(0, y0 - y1), fill: colorFor(deployment), rx: 1.5 });
        const title = svg('title');
        title.textContent = `${fmtClock(p.t)} · ${deployment}: ${calls} calls`;
        rect.append(title);
        f.root.append(rect);
        base += calls;
      }
    });
    if (points.some((p) => p.errors > 0)) {
      const centre = (i) => f.x(i) + f.barW / 2;
      points.forEach((p, i) => {
        if (p.errors === 0) return;
        const dot = svg('circle', { class: 'error-mark', cx: centre(i), cy: f.y(p.errors), r: 3.5, fill: '#ff6b6b', stroke: '#161d27', 'stroke-width': 1.5 });
        const title = svg('title');
        title.textContent = `${fmtClock(p.t)} · ${p.errors} failed requests`;
        dot.append(title);
        f.root.append(dot);
      });
    }
    container.replaceChildren(f.root);
    const legend = $('legend');
    legend.replaceChildren();
    const seen = new Set();
    for (const p of points) for (const d of Object.keys(p.byDeployment)) seen.add(d);
    for (const d of [...seen].sort()) {
      const item = el('span');
      item.append(swatch(colorFor(d)), document.createTextNode(d));
      legend.append(item);
    }
    if (points.some((p) => p.errors > 0)) {
      const item = el('span');
      item.append(swatch('#ff6b6b'), document.createTextNode('failed requests'));
      legend.append(item);
    }
  }

  function renderSpendChart(snap) {
    const container = $('chart-spend');
    const points = snap.series.points;
    const max = points.reduce((m, p) => Math.max(m, p.costUsd), 0);
    const f = frame(container, max, points, snap.series.stepMs, (v) => fmtUsd(v));
    if (points.length > 0) {
      const centre = (i) => f.x(i) + f.barW / 2;
      const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${centre(i).toFixed(1)},${f.y(p.costUsd).toFixed(1)}`).join(' ');
      const baseY = f.y(0);
      const area = `${line} L${centre(points.length - 1).toFixed(1)},${baseY} L${centre(0).toFixed(1)},${baseY} Z`;
      const gradient = svg('linearGradient', { id: 'spend-fill', x1: 0, x2: 0, y1: 0, y2: 1 });
      gradient.append(svg('stop', { offset: '0%', 'stop-color': '#3ecf8e', 'stop-opacity': 0.35 }), svg('stop', { offset: '100%', 'stop-color': '#3ecf8e', 'stop-opacity': 0.02 }));
      const defs = svg('defs');
      defs.append(gradient);
      f.root.append(defs, svg('path', { class: 'spend-area', d: area, fill: 'url(#spend-fill)' }), svg('path', { class: 'spend-line', d: line, fill: 'none', stroke: '#3ecf8e', 'stroke-width': 2, 'stroke-linejoin': 'round' }));
      points.forEach((p, i) => {
        if (p.costUsd <= 0) return;
        const dot = svg('circle', { class: 'spend-dot', cx: centre(i), cy: f.y(p.costUsd), r: 2.5, fill: '#3ecf8e' });
        const title = svg('title');
        title.textContent = `${fmtClock(p.t)} · ${fmtUsd(p.costUsd)}`;
        dot.append(title);
        f.root.append(dot);
      });
    }
    container.replaceChildren(f.root);
    $('spend-total').textContent = `${fmtUsd(snap.stats.gateway.costUsd.total)} in window · per ${snap.series.stepMs / 1000 >= 60 ? `${snap.series.stepMs / 60_000} min` : `${snap.series.stepMs / 1000} s`}`;
  }

  // ---------- tables and panels ----------
  function renderDeployments(snap) {
    const breakers = new Map(snap.breakers.map((b) => [b.deploymentId, b.state]));
    const rows = snap.stats.deployments.map((d) => {
      const tr = el('tr');
      tr.dataset.deployment = d.deploymentId;
      const name = el('td');
      const dep = el('span', 'dep');
      dep.append(swatch(colorFor(d.deploymentId)), document.createTextNode(d.deploymentId));
      name.append(dep);
      const breaker = el('td');
      const state = breakers.get(d.deploymentId) || 'closed';
      breaker.append(el('span', `pill ${state}`, state.replace('_', '-')));
      const errorCell = el('td');
      const bar = el('div', 'errbar');
      const track = el('div', 'track');
      const fill = el('div', `fill ${severity(d.errorRate)}`);
      fill.style.width = `${Math.max(d.errorRate > 0 ? 4 : 0, Math.min(100, d.errorRate * 100))}%`;
      track.append(fill);
      bar.append(track, el('span', '', fmtPct(d.errorRate)));
      errorCell.append(bar);
      tr.append(
        name,
        breaker,
        el('td', 'num calls', fmtInt(d.requests)),
        errorCell,
        el('td', 'num', fmtMs(d.latencyMs.p50)),
        el('td', 'num', fmtMs(d.latencyMs.p95)),
        el('td', 'num', fmtMs(d.ttftMs.p50)),
        el('td', 'num', d.outputTokensPerSecond === undefined ? '–' : d.outputTokensPerSecond.toFixed(0)),
        el('td', 'num', fmtUsd(d.costUsd.total)),
        el('td', 'num', fmtUsd(d.costUsd.average)),
      );
      return tr;
    });
    replaceRows($('deployments').tBodies[0], rows, 'No traffic in this window yet.', 10);
  }

  function renderMix(snap) {
    const box = $('mix');
    box.replaceChildren();
    if (snap.routingMix.length === 0) {
      box.append(el('p', 'empty-note', 'No decisions yet.'));
      return;
    }
    for (const row of snap.routingMix) {
      const line = el('div', 'mix-row');
      line.dataset.task = row.task;
      const bar = el('div', 'mix-bar');
      for (const [deployment, count] of Object.entries(row.deployments).sort((a, b) => b[1] - a[1])) {
        const part = el('span');
        part.style.width = `${(count / row.total) * 100}%`;
        part.style.background = colorFor(deployment);
        part.title = `${deployment}: ${count} (${fmtPct(count / row.total)})`;
        bar.append(part);
      }
      line.append(el('span', 'mix-task', row.task), bar, el('span', 'mix-count', fmtInt(row.total)));
      box.append(line);
    }
  }

  function renderBreakers(snap) {
    const box = $('breakers');
    box.replaceChildren();
    if (snap.breakers.length === 0) {
      box.append(el('p', 'empty-note', 'No deployments measured yet.'));
      return;
    }
    for (const b of snap.breakers) {
      const row = el('div', 'breaker');
      const name = el('span', 'name');
      name.append(swatch(colorFor(b.deploymentId)), document.createTextNode(b.deploymentId));
      const right = el('span', 'state');
      right.append(el('span', 'meta', `${b.inFlight} in flight`), el('span', `pill ${b.state}`, b.state.replace('_', '-')));
      row.append(name, right);
      box.append(row);
    }
  }

  function renderBudgets(snap) {
    const box = $('budgets');
    box.replaceChildren();
    if (snap.budgets.length === 0) {
      box.append(el('p', 'empty-note', 'No budgets reported.'));
      return;
    }
    for (const b of snap.budgets) {
      const wrap = el('div', 'budget');
      const head = el('div', 'budget-head');
      const label = el('span');
      label.append(el('span', 'scope', b.scope), document.createTextNode(b.name));
      head.append(label, el('span', 'muted', `${fmtUsd(b.spentUsd)} of ${fmtUsd(b.limitUsd)} · ${fmtPct(b.utilization)}`));
      const track = el('div', 'budget-track');
      const fill = el('div', `budget-fill ${b.utilization >= 0.9 ? 'bad' : b.utilization >= 0.7 ? 'warn' : ''}`);
      fill.style.width = `${Math.min(100, b.utilization * 100)}%`;
      track.append(fill);
      wrap.append(head, track);
      box.append(wrap);
    }
  }

  const BATCH_PILL = { completed: 'ok', failed: 'bad', expired: 'bad', cancelled: 'warn', cancelling: 'warn' };

  function renderBatches(snap) {
    const rows = (snap.batches || []).map((b) => {
      const tr = el('tr');
      tr.dataset.batch = b.id;
      const status = el('td');
      status.append(el('span', `pill ${BATCH_PILL[b.status] || 'half_open'}`, b.status.replace('_', ' ')));
      const done = b.completed + b.failed;
      const progress = el('td');
      const bar = el('div', 'errbar');
      const track = el('div', 'track');
      const fill = el('div', `fill ${b.failed > 0 ? 'warn' : 'ok'}`);
      fill.style.width = `${b.total > 0 ? Math.min(100, (done / b.total) * 100) : 0}%`;
      track.append(fill);
      bar.append(track, el('span', '', b.total > 0 ? fmtPct(done / b.total) : '–'));
      progress.append(bar);
      tr.append(el('td', 'dep', b.id), status, el('td', 'num done', `${fmtInt(done)} / ${fmtInt(b.total)}`), el('td', 'num failed', fmtInt(b.failed)), progress, el('td', 'num', fmtUsd(b.costUsd)), el('td', 'muted', fmtClock(b.createdAt)));
      return tr;
    });
    replaceRows($('batches').tBodies[0], rows, 'No batch jobs.', 7);
  }

  /** Two reasons that say the most at a glance: what made the pick rank first, and anything unusual. */
  function headlineReasons(reasons) {
    const ranked = reasons.find((r) => /ranks first/.test(r));
    const first = ranked ? ranked.replace(/^.*ranks first:\s*/, 'ranked on ') : reasons[0];
    const unusual = reasons.find((r) => r !== ranked && /excluded|budget|re-derived|breaker|fallback/.test(r));
    return [first, unusual].filter(Boolean);
  }

  function renderDecisions(snap) {
    const rows = snap.decisions.map((d) => {
      const tr = el('tr');
      tr.dataset.decision = d.id;
      const route = el('td');
      route.append(document.createTextNode(d.picked || '–'));
      if (d.winner !== d.picked) {
        route.append(el('span', 'arrow', '→'), el('span', d.winner ? 'changed' : 'muted', d.winner || 'none'));
      }
      const outcome = el('td');
      outcome.append(el('span', `pill ${d.outcome === 'ok' ? 'ok' : 'bad'}`, d.outcome.replace('_', ' ')));
      const why = el('td', 'why');
      for (const reason of headlineReasons(d.reasons)) why.append(el('span', 'chip', reason));
      why.title = d.reasons.join('\n');
      tr.title = `decision ${d.id}`;
      tr.append(el('td', 'muted', fmtClock(d.at)), el('td', '', d.task), el('td', 'muted', d.policy), route, outcome, el('td', 'num', String(d.attempts)), el('td', 'num', fmtMs(d.latencyMs)), el('td', 'num', fmtUsd(d.costUsd)), why);
      return tr;
    });
    replaceRows($('decisions').tBodies[0], rows, 'No decisions yet.', 9);
  }

  // ---------- polling ----------
  function setStatus(kind, text) {
    const status = $('status');
    status.className = `status status-${kind}`;
    status.textContent = text;
  }

  let timer;
  async function poll() {
    clearTimeout(timer);
    try {
      const response = await fetch(`/admin/dashboard.json?window=${encodeURIComponent($('window').value)}`, { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) {
        setStatus('down', 'admin key needed: reopen /dashboard?key=…');
        return;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const snap = await response.json();
      renderKpis(snap);
      renderRequestsChart(snap);
      renderSpendChart(snap);
      renderDeployments(snap);
      renderMix(snap);
      renderBreakers(snap);
      renderBudgets(snap);
      renderBatches(snap);
      renderDecisions(snap);
      document.body.dataset.updated = String(snap.generatedAt);
      setStatus('live', `live · ${fmtClock(snap.generatedAt)}`);
    } catch (error) {
      setStatus('down', `gateway unreachable (${error.message}); retrying`);
    }
    timer = setTimeout(poll, POLL_MS);
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('window').addEventListener('change', poll);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) poll();
    });
    poll();
  });
})();
