// The ACP web page: runs, a form to start one, and a live run page. Plain ES module, no build;
// everything it talks to is this server's /api. Text from the server is only ever set as
// textContent (never as HTML), so a prompt or an error message cannot inject markup.

const TOKEN_KEY = 'acp.token';
const $ = (id) => document.getElementById(id);

// ---- the token: sessionStorage (this tab only), sent as a header, never in an address --------

const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || '',
  set: (v) => sessionStorage.setItem(TOKEN_KEY, v),
  forget: () => sessionStorage.removeItem(TOKEN_KEY),
};

function showTokenState() {
  $('token-state').textContent = token.get() ? 'Token: set for this tab' : 'Token: not set';
}

class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `the server answered ${status}`);
    this.status = status;
    this.kind = e.kind || '';
    this.problems = e.problems || [];
    this.details = e;
  }
}

async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const t = token.get();
  if (t) headers.Authorization = `Bearer ${t}`;
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store', credentials: 'omit',
  });
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok) {
    if (response.status === 401) askForToken(new ApiError(401, data).message);
    throw new ApiError(response.status, data);
  }
  return data;
}

function askForToken(message) {
  notice(`${message}. Paste the token above.`, true);
  if ($('token-box').open) return; // already asked: the list's refresh must not take the focus again
  $('token-box').open = true;
  $('token-input').focus();
}

function notice(text, isError = false) {
  const n = $('notice');
  n.hidden = !text;
  n.textContent = text || '';
  n.classList.toggle('error', isError);
}

// ---- small helpers ------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function money(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const n = Number(v);
  return n !== 0 && Math.abs(n) < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const s = Math.max(0, seconds);
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

const ACTIVE = new Set(['queued', 'running', 'started', 'job_in_flight', 'retrying']);

function badge(status) {
  return el('span', { class: 'badge', 'data-status': status || 'unknown', text: (status || 'unknown').replaceAll('_', ' ') });
}

/** An output file's address: each segment encoded on its own, as the file route decodes them. */
function fileUrl(runId, relative) {
  return `/api/runs/${encodeURIComponent(runId)}/files/${relative.split('/').map(encodeURIComponent).join('/')}`;
}

function mediaKind(path) {
  const ext = (path.split('.').pop() || '').toLowerCase();
  if (['png', 'jpg', 'jpeg', 'webp', 'gif'].includes(ext)) return 'image';
  if (['mp3', 'wav', 'ogg', 'm4a'].includes(ext)) return 'audio';
  if (['mp4', 'webm', 'mov'].includes(ext)) return 'video';
  return 'file';
}

// ---- the form: validate, estimate, start, confirm ------------------------------------------

function pipelineRequest() {
  const body = {};
  const source = document.querySelector('input[name=source]:checked').value;
  if (source === 'file') {
    const name = $('pipeline-file').value;
    if (!name) throw new Error('this server has no pipeline files (start it with --pipelines DIR); paste a pipeline instead');
    body.pipeline_file = name;
  } else {
    const text = $('pipeline-text').value;
    if (!text.trim()) throw new Error('paste a pipeline (YAML or JSON) first');
    body.pipeline = text;
  }
  body.offline = $('offline').checked;
  body.parallel = $('parallel').checked;
  const limit = $('cost-limit').value.trim();
  if (limit) body.cost_limit = limit;
  const inputs = {};
  for (const [i, line] of $('inputs').value.split('\n').entries()) {
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`inputs line ${i + 1}: write name=value`);
    inputs[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  if (Object.keys(inputs).length) body.inputs = inputs;
  return body;
}

function problemList(problems) {
  const list = el('ul', { class: 'problems' });
  for (const p of problems) {
    const where = [p.line ? `line ${p.line}${p.column ? `:${p.column}` : ''}` : null, p.step ? `step ${p.step}` : null]
      .filter(Boolean).join(', ');
    list.append(el('li', { class: p.severity === 'warning' ? 'warning' : 'error' },
      where ? el('span', { class: 'where', text: where }) : null,
      el('span', { class: 'message', text: p.message }),
      p.fix ? el('span', { class: 'fix', text: `Fix: ${p.fix}` }) : null));
  }
  return list;
}

function estimateView(estimate) {
  // The fields of 'acp pipeline estimate --format json'.
  const box = el('div', { class: 'estimate' });
  box.append(el('h3', { text: 'Estimate' }));
  const dl = el('dl', { class: 'facts' });
  const add = (k, v) => dl.append(el('dt', { text: k }), el('dd', { text: v }));
  add('Expected', money(estimate.total_expected));
  add('Range', `${money(estimate.total_low)} – ${money(estimate.total_high)}`);
  if (estimate.cost_limit !== null && estimate.cost_limit !== undefined) add('Limit', money(estimate.cost_limit));
  if (estimate.confirm_above !== null && estimate.confirm_above !== undefined) add('Asks to confirm above', money(estimate.confirm_above));
  const unknown = Array.isArray(estimate.unknown_steps) ? estimate.unknown_steps.length : Number(estimate.unknown_steps || 0);
  if (unknown > 0) add('Steps without a known price', String(unknown));
  box.append(dl);
  if (estimate.summary) box.append(el('p', { class: 'muted', text: String(estimate.summary) }));
  if (estimate.hint) box.append(el('p', { class: 'muted', text: String(estimate.hint) }));
  const rows = (estimate.steps || []).map((r) => el('li', {},
    el('strong', { text: r.step_id }), ` ${[r.provider, r.model].filter(Boolean).join(' · ')}: `,
    r.known === false ? 'price unknown' : money(r.expected)));
  if (rows.length) box.append(el('ul', { class: 'estimate-steps' }, ...rows));
  return box;
}

async function check() {
  const out = $('check-result');
  out.replaceChildren(el('p', { class: 'muted', text: 'Checking…' }));
  let body;
  try { body = pipelineRequest(); } catch (e) { out.replaceChildren(el('p', { class: 'error', text: e.message })); return false; }
  try {
    const valid = await api('/api/validate', { method: 'POST', body });
    const estimate = await api('/api/estimate', { method: 'POST', body });
    out.replaceChildren(el('p', { class: 'ok', text: `Valid: ${valid.pipeline_name}, ${valid.steps} steps.` }));
    if (valid.problems && valid.problems.length) out.append(problemList(valid.problems));
    out.append(estimateView(estimate));
    return true;
  } catch (e) {
    showFailure(out, e);
    return false;
  }
}

function showFailure(out, e) {
  out.replaceChildren(el('p', { class: 'error', text: e.message }));
  if (e.problems && e.problems.length) out.append(problemList(e.problems));
}

async function start(confirm) {
  const out = $('check-result');
  let body;
  try { body = pipelineRequest(); } catch (e) { out.replaceChildren(el('p', { class: 'error', text: e.message })); return; }
  if (confirm) body.confirm = true;
  $('start-button').disabled = true;
  try {
    const created = await api('/api/runs', { method: 'POST', body });
    out.replaceChildren();
    location.hash = `#/runs/${encodeURIComponent(created.run_id)}`;
  } catch (e) {
    if (e.status === 409 && e.details.estimate) {
      // Above the confirmation threshold: the server refused until asked again with confirm.
      out.replaceChildren(el('p', { class: 'warning', text: e.message }), estimateView(e.details.estimate));
      const yes = el('button', { type: 'button', class: 'primary', text: `Confirm and start (${money(e.details.estimate.total_expected)})` });
      yes.addEventListener('click', () => start(true));
      out.append(el('div', { class: 'actions' }, yes));
      yes.focus();
    } else {
      showFailure(out, e);
    }
  } finally {
    $('start-button').disabled = false;
  }
}

async function loadPipelines() {
  const select = $('pipeline-file');
  try {
    const { pipelines } = await api('/api/pipelines');
    select.replaceChildren(...pipelines.map((p) => el('option', { value: p, text: p })));
    if (!pipelines.length) {
      select.append(el('option', { value: '', text: '(no pipelines folder: paste one)' }));
      document.querySelector('input[name=source][value=text]').click();
    }
  } catch (e) {
    select.replaceChildren(el('option', { value: '', text: '(cannot list pipelines)' }));
  }
}

// ---- the runs list (live) -------------------------------------------------------------------

const runsState = { limit: 20, timer: null, finishedDurations: new Map() };

async function refreshRuns() {
  if (currentView() !== 'home') return;
  try {
    const page = await api(`/api/runs?limit=${runsState.limit}`);
    renderRuns(page);
    $('runs-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    $('runs-updated').textContent = `not updated: ${e.message}`;
  }
}

function renderRuns(page) {
  const body = $('runs-body');
  const rows = page.runs.map((r) => {
    const link = el('a', { href: `#/runs/${encodeURIComponent(r.run_id)}` },
      el('strong', { text: r.pipeline_name || '(queued)' }), el('span', { class: 'run-id', text: r.run_id }));
    const steps = r.steps ? `${r.succeeded}/${r.steps}${r.failed ? `, ${r.failed} failed` : ''}` : '–';
    return el('tr', { 'data-run': r.run_id, 'data-status': r.status },
      el('td', { 'data-label': 'Run' }, link),
      el('td', { 'data-label': 'Status' }, badge(r.status)),
      el('td', { 'data-label': 'Steps', text: steps }),
      el('td', { 'data-label': 'Spend', text: money(r.spent) }),
      el('td', { 'data-label': 'Duration', text: runDuration(r) }),
      el('td', { 'data-label': 'Started', text: when(r.created_at) }));
  });
  body.replaceChildren(...rows);
  $('runs-empty').hidden = rows.length > 0;
  $('runs-more').hidden = page.next_offset === null || page.next_offset === undefined;
}

/** Running: time since it was created. Finished: its report's total time, read once and kept. */
function runDuration(r) {
  if (ACTIVE.has(r.status)) return duration((Date.now() - Date.parse(r.created_at)) / 1000);
  const known = runsState.finishedDurations.get(r.run_id);
  if (known !== undefined) return known === null ? '–' : duration(known);
  runsState.finishedDurations.set(r.run_id, null);
  api(`/api/runs/${encodeURIComponent(r.run_id)}`).then((run) => {
    const t = run.report && run.report.total_execution_time;
    runsState.finishedDurations.set(r.run_id, typeof t === 'number' ? t : null);
    const cell = document.querySelector(`tr[data-run="${CSS.escape(r.run_id)}"] td[data-label=Duration]`);
    if (cell && typeof t === 'number') cell.textContent = duration(t);
  }).catch(() => {});
  return '…';
}

// ---- the run page: state from GET /api/runs/{id}, then live from the event stream ------------

class RunPage {
  constructor(id) {
    this.id = id;
    this.steps = new Map();
    this.status = '';
    this.estimated = null;
    this.settled = 0;
    this.started = null;
    this.finished = false;
    this.source = null;
    this.lastEventId = '';
    this.closed = false;
    this.clock = setInterval(() => this.renderFacts(), 1000);
  }

  async open() {
    $('run-title').textContent = `Run ${this.id}`;
    $('steps').replaceChildren();
    $('run-facts').replaceChildren();
    $('run-error').hidden = true;
    $('run-preview').hidden = true;
    try {
      await this.ticket();
    } catch (e) {
      $('stream-state').textContent = `no live events or players: ${e.message}`;
    }
    await this.reload();
    if (!this.closed && !this.isOver()) this.listen();
  }

  isOver() {
    return ['succeeded', 'failed', 'partial', 'cancelled', 'refused', 'interrupted', 'crashed', 'damaged'].includes(this.status);
  }

  async reload() {
    let run;
    try {
      run = await api(`/api/runs/${encodeURIComponent(this.id)}`);
    } catch (e) {
      $('run-error').hidden = false;
      $('run-error').textContent = e.message;
      return;
    }
    this.run = run;
    // The event stream can say 'finished' a moment before the run's folder does: never step back.
    const serverOver = !ACTIVE.has(run.status);
    this.status = this.ended && !serverOver ? this.ended : run.status;
    if (run.pipeline_name) $('run-title').textContent = `${run.pipeline_name} · ${this.id}`;
    this.started = Date.parse(run.created_at);
    for (const s of run.steps || []) this.merge(s.step_id, s);
    const report = run.report;
    if (report) {
      this.estimated = report.cost ? report.cost.estimated : report.estimated_cost;
      this.settled = report.cost ? report.cost.actual : report.total_cost;
      this.total = report.total_execution_time;
      for (const s of report.step_results || []) this.merge(s.step_id, s);
      this.fallbacks = (report.cost && report.cost.fallbacks) || [];
      if (report.preview) {
        $('run-preview').hidden = false;
        $('run-preview').textContent = `Preview: ${report.preview_note || 'outputs were rendered offline, not AI-generated'}`;
      }
    }
    if ((!report || !serverOver) && this.isOver() && (this.reportWaits = (this.reportWaits || 0) + 1) <= 20) {
      // run_finished comes just before run.json is written: ask again shortly.
      setTimeout(() => { if (!this.closed) this.reload(); }, 300);
    }
    if (run.error) {
      $('run-error').hidden = false;
      $('run-error').textContent = typeof run.error === 'string' ? run.error : run.error.message;
    }
    this.render();
  }

  merge(id, fields) {
    const s = this.steps.get(id) || { step_id: id, retries: [] };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) s[k] = v;
    if (fields.metadata && fields.metadata.preview) s.preview = true;
    this.steps.set(id, s);
    return s;
  }

  /**
   * A ticket for this run's event stream and output files, which the browser fetches without the
   * page's Authorization header (EventSource, img, audio, video); renewed a minute before it expires.
   */
  async ticket(renew = false) {
    if (!renew && this.ticketValue && this.ticketExpires - Date.now() > 60000) return this.ticketValue;
    const t = await api(`/api/runs/${encodeURIComponent(this.id)}/ticket`, { method: 'POST' });
    this.ticketValue = t.ticket;
    this.ticketExpires = Date.parse(t.expires_at);
    return t.ticket;
  }

  /** An output file's address with the current ticket. */
  fileSrc(relative) {
    const url = fileUrl(this.id, relative);
    return this.ticketValue ? `${url}?ticket=${encodeURIComponent(this.ticketValue)}` : url;
  }

  async listen() {
    let url = `/api/runs/${encodeURIComponent(this.id)}/events`;
    try {
      url += `?ticket=${encodeURIComponent(await this.ticket())}`;
    } catch (e) {
      $('stream-state').textContent = `no live events: ${e.message}`;
      return;
    }
    if (this.lastEventId) url += `&last_event_id=${encodeURIComponent(this.lastEventId)}`;
    if (this.closed) return;
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => { $('stream-state').textContent = 'live'; };
    source.onerror = () => {
      if (this.closed || this.source !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        // Refused (an expired ticket, a restarted server): a new ticket, resuming after the last event seen.
        $('stream-state').textContent = 'reconnecting…';
        source.close();
        setTimeout(() => { if (!this.closed && this.source === source) this.listen(); }, 2000);
      } else {
        // The browser reconnects by itself and sends Last-Event-ID: nothing is missed.
        $('stream-state').textContent = 'reconnecting…';
      }
    };
    const names = ['run_queued', 'estimate', 'notice', 'run_started', 'step_started', 'step_progress', 'step_retrying',
      'step_finished', 'cost_settled', 'run_finished', 'run_refused', 'run_cancelled', 'run_state', 'events_dropped'];
    for (const name of names) {
      source.addEventListener(name, (ev) => {
        if (ev.lastEventId) this.lastEventId = ev.lastEventId;
        let data = {};
        try { data = JSON.parse(ev.data); } catch { /* a comment-only event */ }
        this.onEvent(name, data);
      });
    }
  }

  onEvent(name, d) {
    switch (name) {
      case 'run_queued': this.status = 'queued'; break;
      case 'run_started': this.status = 'running'; break;
      case 'estimate': this.estimated = d.expected; break;
      case 'notice': $('stream-state').textContent = d.message; break;
      case 'step_started': this.merge(d.step_id, { ...d, status: 'running', fraction: null, message: null }); break;
      case 'step_progress': this.merge(d.step_id, { fraction: d.fraction, message: d.message }); break;
      case 'step_retrying': {
        const s = this.merge(d.step_id, { status: 'retrying' });
        s.retries.push(`attempt ${d.attempt} in ${d.delay_seconds} s after: ${d.error ? d.error.message : 'an error'}`);
        break;
      }
      case 'step_finished': this.merge(d.step_id, d); break;
      case 'cost_settled': this.settled = (this.settled || 0) + (d.actual_cost || 0); break;
      case 'events_dropped': this.reload(); break;
      case 'run_finished': case 'run_refused': case 'run_cancelled': case 'run_state':
        this.status = d.status || name.replace('run_', '');
        this.ended = this.status;
        this.stop();
        // The report (files, previews, settled costs) is written now.
        this.reload();
        $('stream-state').textContent = '';
        break;
      default: break;
    }
    this.render();
  }

  stop() {
    if (this.source) this.source.close();
    this.source = null;
  }

  close() {
    this.closed = true;
    this.stop();
    clearInterval(this.clock);
  }

  renderFacts() {
    const dl = $('run-facts');
    const facts = [
      ['Estimated', money(this.estimated)],
      ['Settled', money(this.settled)],
      ['Duration', this.total !== undefined ? duration(this.total)
        : this.started ? duration((Date.now() - this.started) / 1000) : '–'],
      ['Steps', `${[...this.steps.values()].filter((s) => s.status === 'succeeded').length} done of ${this.run && this.run.report ? this.run.report.total_steps : this.steps.size}`],
    ];
    if (this.run && this.run.offline) facts.push(['Mode', 'offline']);
    dl.replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
    if (this.fallbacks && this.fallbacks.length) {
      dl.append(el('dt', { text: 'Fallbacks' }), el('dd', { text: this.fallbacks.map(describe).join('; ') }));
    }
  }

  render() {
    const status = $('run-status');
    status.dataset.status = this.status;
    status.textContent = (this.status || '…').replaceAll('_', ' ');
    this.renderFacts();
    $('cancel-button').hidden = !['queued', 'running'].includes(this.status);
    $('resume-button').hidden = !(this.run && this.run.resumable) || !this.isOver();
    const list = $('steps');
    for (const s of this.steps.values()) {
      let item = list.querySelector(`li[data-step="${CSS.escape(s.step_id)}"]`);
      if (!item) {
        item = el('li', { class: 'step', 'data-step': s.step_id });
        list.append(item);
      }
      renderStep(item, s, this);
    }
    $('steps-empty').hidden = this.steps.size > 0;
  }
}

function describe(v) {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  return Object.entries(v).filter(([, x]) => x !== null && typeof x !== 'object').map(([k, x]) => `${k} ${x}`).join(', ');
}

/** Updates one step's card in place: the media player is made once, so playback is not interrupted. */
function renderStep(item, s, page) {
  item.dataset.status = s.status || 'started';
  let head = item.querySelector('.step-head');
  if (!head) {
    head = el('div', { class: 'step-head' });
    item.append(head, el('div', { class: 'step-body' }), el('div', { class: 'step-media' }));
  }
  const who = [s.step_type, s.provider, s.model].filter(Boolean).join(' · ');
  head.replaceChildren(el('strong', { class: 'step-name', text: s.step_id }), badge(s.status || 'started'),
    s.preview ? el('span', { class: 'badge preview', text: 'preview' }) : null,
    el('span', { class: 'muted', text: who }));

  const body = item.querySelector('.step-body');
  const parts = [];
  if (s.status === 'running' || s.status === 'retrying') {
    const p = el('progress', { max: 1, 'aria-label': `${s.step_id} progress` });
    if (typeof s.fraction === 'number') p.value = s.fraction;
    parts.push(p);
    if (s.message) parts.push(el('p', { class: 'muted', text: s.message }));
  }
  const facts = [];
  if (s.execution_time !== undefined && s.execution_time !== null) facts.push(`${duration(s.execution_time)}`);
  if (s.attempts > 1 || s.attempt > 1) facts.push(`attempts ${s.attempts || s.attempt}`);
  if (s.estimated_cost !== undefined || s.actual_cost !== undefined) {
    facts.push(`estimated ${money(s.estimated_cost)}, settled ${money(s.actual_cost ?? s.cost)}`);
  }
  if (s.cache_hit) facts.push('from the cache');
  if (facts.length) parts.push(el('p', { class: 'step-facts', text: facts.join(' · ') }));
  for (const r of s.retries) parts.push(el('p', { class: 'warning', text: `Retrying: ${r}` }));
  const meta = s.metadata || {};
  if (meta.fallbacks) {
    const f = Array.isArray(meta.fallbacks) ? meta.fallbacks : [meta.fallbacks];
    parts.push(el('p', { class: 'warning', text: `Fallback: ${f.map(describe).join('; ')}` }));
  }
  if (s.reason) parts.push(el('p', { class: 'muted', text: s.reason }));
  if (s.error) {
    parts.push(el('p', { class: 'error' }, el('strong', { text: `${s.error.kind || 'error'}: ` }), s.error.message || ''));
    if (s.error.fix) parts.push(el('p', { class: 'fix', text: `Fix: ${s.error.fix}` }));
  }
  body.replaceChildren(...parts);

  const media = item.querySelector('.step-media');
  const path = s.output_path;
  if (!path || s.status !== 'succeeded' || media.dataset.path === path) return;
  media.dataset.path = path;
  const rel = path.startsWith('/') ? path.split('/').pop() : path;
  const url = page.fileSrc(rel);
  const kind = mediaKind(rel);
  let player;
  if (kind === 'image') player = el('img', { src: url, alt: `${s.step_id} output`, loading: 'lazy' });
  else if (kind === 'audio') player = el('audio', { src: url, controls: true, preload: 'metadata' });
  else if (kind === 'video') player = el('video', { src: url, controls: true, preload: 'metadata', playsInline: true });
  const figure = el('figure', { class: `output ${kind}` });
  if (player) {
    // Refused once its ticket has expired (a seek in a long-open page): a new ticket, same position.
    player.addEventListener('error', async () => {
      if (Date.now() - Number(player.dataset.renewed || 0) < 10000) return;
      player.dataset.renewed = String(Date.now());
      try {
        await page.ticket(true);
        const at = player.currentTime || 0;
        player.src = page.fileSrc(rel);
        if (at) player.currentTime = at;
      } catch { /* the notice says why (a missing token) */ }
    });
    figure.append(player);
  }
  const caption = el('figcaption', {}, el('a', { href: url, text: rel }));
  if (s.preview) caption.append(' ', el('span', { class: 'badge preview', text: meta.label || 'preview · not AI-generated' }));
  figure.append(caption);
  media.replaceChildren(figure);
}

// ---- views ------------------------------------------------------------------------------------

let runPage = null;

function currentView() {
  return location.hash.startsWith('#/runs/') ? 'run' : 'home';
}

function route() {
  notice('');
  if (runPage) { runPage.close(); runPage = null; }
  const view = currentView();
  $('home-view').hidden = view !== 'home';
  $('run-view').hidden = view !== 'run';
  if (view === 'run') {
    runPage = new RunPage(decodeURIComponent(location.hash.slice('#/runs/'.length)));
    runPage.open();
  } else {
    refreshRuns();
  }
}

function wire() {
  showTokenState();
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = $('token-input').value.trim();
    if (v) token.set(v);
    $('token-input').value = '';
    $('token-box').open = false;
    showTokenState();
    notice('');
  });
  $('token-forget').addEventListener('click', () => { token.forget(); showTokenState(); });
  for (const radio of document.querySelectorAll('input[name=source]')) {
    radio.addEventListener('change', () => {
      const file = document.querySelector('input[name=source]:checked').value === 'file';
      $('file-field').hidden = !file;
      $('text-field').hidden = file;
      $('check-result').replaceChildren();
    });
  }
  $('check-button').addEventListener('click', () => check());
  $('start-form').addEventListener('submit', (e) => { e.preventDefault(); start(false); });
  $('runs-more').addEventListener('click', () => { runsState.limit += 20; refreshRuns(); });
  $('cancel-button').addEventListener('click', async () => {
    if (!runPage) return;
    try {
      await api(`/api/runs/${encodeURIComponent(runPage.id)}/cancel`, { method: 'POST' });
      $('stream-state').textContent = 'cancelling…';
    } catch (e) { notice(e.message, true); }
  });
  $('resume-button').addEventListener('click', async () => {
    if (!runPage) return;
    const page = runPage;
    try {
      await api(`/api/runs/${encodeURIComponent(page.id)}/resume`, { method: 'POST' });
      page.status = 'queued';
      page.total = undefined;
      page.render();
      page.listen();
    } catch (e) { notice(e.message, true); }
  });
  window.addEventListener('hashchange', route);
  // The list refreshes every two seconds while it is shown and the tab is visible.
  setInterval(() => { if (document.visibilityState === 'visible') refreshRuns(); }, 2000);
  loadPipelines();
  route();
}

wire();
