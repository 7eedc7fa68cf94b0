// Naltrexone CDS playground: builds a hook request from an example patient and a draft order, fires it at this
// service and renders the cards the way an EHR would. Plain JavaScript, no build step; all text from the service is
// escaped before it reaches the page.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const RANK = { critical: 3, warning: 2, info: 1 };
  const state = { services: [], patients: [], orders: [] };

  // ---------- helpers ----------
  const escapeHtml = (s) => String(s).replace(/[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const isHttpUrl = (u) => typeof u === 'string' && /^https?:\/\//i.test(u);
  const uuid = () => (globalThis.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
      const r = Math.random() * 16 | 0; return (c === 'x' ? r : (r & 0x3 | 0x8)).toString(16);
    });
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  };

  async function getJson(url) {
    const r = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error(`${url} answered HTTP ${r.status}`);
    return r.json();
  }

  function outcomeIssues(text) {
    try {
      const o = JSON.parse(text);
      if (o && o.resourceType === 'OperationOutcome') {
        return (o.issue || []).map((i) => i.diagnostics || (i.details && i.details.text) || i.code).filter(Boolean);
      }
    } catch { /* not JSON */ }
    return [];
  }

  // ---------- markdown (card detail) ----------
  // Escapes first, then adds a small, safe subset: headings, paragraphs, lists, **bold**, *italic*, `code`, links.
  function inline(s) {
    return escapeHtml(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\*)/g, '$1<em>$2</em>')
      .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>');
  }

  function markdown(md) {
    const out = [];
    let para = [];
    let list = null;
    const flushPara = () => { if (para.length) { out.push(`<p>${para.map(inline).join(' ')}</p>`); para = []; } };
    const flushList = () => { if (list) { out.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${list.tag}>`); list = null; } };
    for (const raw of String(md).replace(/\r\n/g, '\n').split('\n')) {
      const line = raw.trim();
      let m;
      if (!line) { flushPara(); flushList(); continue; }
      if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
        flushPara(); flushList();
        const level = Math.min(6, m[1].length + 2);
        out.push(`<h${level}>${inline(m[2])}</h${level}>`);
      } else if ((m = /^[-*+]\s+(.*)$/.exec(line)) || (m = /^\d+[.)]\s+(.*)$/.exec(line))) {
        flushPara();
        const tag = /^\d/.test(line) ? 'ol' : 'ul';
        if (!list || list.tag !== tag) { flushList(); list = { tag, items: [] }; }
        list.items.push(m[1]);
      } else {
        flushList();
        para.push(line);
      }
    }
    flushPara(); flushList();
    return out.join('');
  }

  // ---------- building the request ----------
  const selectedService = () => state.services.find((s) => s.id === $('service').value);
  const selectedPatient = () => state.patients.find((p) => p.id === $('patient').value);
  const selectedOrder = () => state.orders.find((o) => o.id === $('order').value);

  function buildRequest() {
    const service = selectedService();
    const patient = selectedPatient();
    if (!service || !patient) return;
    const order = selectedOrder();
    const req = structuredClone(patient.request);
    const notes = [];
    req.hook = service.hook;
    req.hookInstance = uuid();
    const ctx = req.context = req.context || {};
    const patientId = ctx.patientId;

    if (service.hook === 'patient-view') {
      delete ctx.draftOrders;
      delete ctx.selections;
      $('order').disabled = true;
    } else {
      $('order').disabled = false;
      if (order) {
        const draft = structuredClone(order.resource);
        draft.status = draft.status || 'draft';
        draft.subject = { reference: `Patient/${patientId}` };
        ctx.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] };
      } else if (!ctx.draftOrders) {
        notes.push('This example has no draft order: choose one.');
      }
      const drafts = ((ctx.draftOrders && ctx.draftOrders.entry) || []).map((e) => e.resource).filter(Boolean);
      if (service.hook === 'order-select') ctx.selections = drafts.map((r) => `${r.resourceType}/${r.id}`);
      else delete ctx.selections;
    }

    // The example patients carry the data they have; a key the service asks for that the example lacks is sent as
    // null ("the EHR looked and found nothing") so the synthetic patient is complete for every service.
    req.prefetch = req.prefetch || {};
    const filled = Object.keys(service.prefetch || {}).filter((k) => !(k in req.prefetch));
    for (const k of filled) req.prefetch[k] = null;
    if (filled.length) notes.push(`Sent as null (the example has no such data): ${filled.join(', ')}.`);

    $('request').value = JSON.stringify(req, null, 2);
    $('notes').textContent = notes.join(' ');
    $('fire').textContent = `Fire ${service.hook}`;
    $('fire').disabled = false;
    updateBanner(req);
  }

  function describeDraft(resource) {
    const concept = resource.medicationCodeableConcept || resource.code || {};
    return concept.text || (concept.coding && concept.coding[0] && concept.coding[0].display) || `${resource.resourceType}/${resource.id}`;
  }

  function updateBanner(req) {
    const ctx = (req && req.context) || {};
    const drafts = ((ctx.draftOrders && ctx.draftOrders.entry) || []).map((e) => e.resource).filter(Boolean);
    const banner = $('banner');
    banner.replaceChildren(...[
      el('strong', { text: 'Patient ' }), el('span', { id: 'banner-patient', text: ctx.patientId || '?' }),
      drafts.length ? el('span', { text: ' · signing: ' }) : null,
      drafts.length ? el('strong', { id: 'banner-order', text: drafts.map(describeDraft).join(', ') }) : null].filter(Boolean));
  }

  // ---------- firing ----------
  async function fire() {
    const service = selectedService();
    let body;
    try {
      body = JSON.parse($('request').value);
    } catch (e) {
      showStatus(`The request is not valid JSON: ${e.message}`, true);
      return;
    }
    updateBanner(body);
    $('fire').disabled = true;
    $('cards').replaceChildren();
    showStatus(`Calling ${service.id}…`);
    const started = performance.now();
    let response, text;
    try {
      response = await fetch(`/cds-services/${encodeURIComponent(service.id)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      text = await response.text();
    } catch (e) {
      showStatus(`The service could not be reached: ${e.message}`, true);
      $('fire').disabled = false;
      return;
    } finally {
      $('fire').disabled = false;
    }
    const ms = Math.round(performance.now() - started);
    try { $('raw').textContent = JSON.stringify(JSON.parse(text), null, 2); } catch { $('raw').textContent = text; }

    if (!response.ok) {
      showStatus(`HTTP ${response.status} in ${ms} ms`, true);
      const issues = outcomeIssues(text);
      $('cards').replaceChildren(el('div', { class: 'outcome', id: 'outcome' },
        el('strong', { text: `The service answered HTTP ${response.status}` }),
        issues.length ? el('ul', {}, issues.map((i) => el('li', { text: i }))) : null));
      return;
    }
    const cards = (JSON.parse(text).cards || []).slice()
      .sort((a, b) => (RANK[b.indicator] || 0) - (RANK[a.indicator] || 0));
    showStatus(`HTTP ${response.status} · ${cards.length} card${cards.length === 1 ? '' : 's'} · ${ms} ms`);
    $('cards').replaceChildren(...(cards.length
      ? cards.map((c) => renderCard(c, service.id))
      : [el('div', { class: 'no-cards', id: 'no-cards', text: 'No cards: the service has nothing to say about this order.' })]));
    document.body.dataset.fired = String(Number(document.body.dataset.fired || 0) + 1);
  }

  function showStatus(text, isError = false) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', isError);
  }

  // ---------- cards ----------
  function renderCard(card, serviceId) {
    const indicator = card.indicator || 'info';
    const source = card.source || {};
    const topic = (source.topic && source.topic.code) || '';
    const feedback = el('div', { class: 'feedback-status', role: 'status' });
    const node = el('article', { class: 'cds-card', 'data-indicator': indicator, 'data-concern': topic, 'data-uuid': card.uuid || '' });

    const detail = el('div', { class: 'detail' });
    if (card.detail) detail.innerHTML = markdown(card.detail);   // markdown() escapes everything first

    const suggestions = (card.suggestions || []).map((s) => el('button', {
      type: 'button',
      class: `suggestion${s.isRecommended ? ' recommended' : ''}`,
      title: (s.actions || []).map((a) => a.description).join('; '),
      onclick: () => accept(card, s, node, feedback, serviceId),
    }, s.label || 'Suggestion'));

    const sourceNode = el('span', { class: 'source' }, 'Source: ',
      isHttpUrl(source.url)
        ? el('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer', text: source.label || source.url })
        : (source.label || 'unknown'));

    const links = (card.links || []).filter((l) => isHttpUrl(l.url)).map((l) =>
      el('a', { href: l.url, target: '_blank', rel: 'noopener noreferrer', class: 'card-link', text: l.label || l.url }));

    const reasons = card.overrideReasons || [];
    const reasonSelect = el('select', { class: 'override-reason', 'aria-label': 'Override reason' },
      el('option', { value: '', text: reasons.length ? 'Override reason…' : 'No reason offered' }),
      reasons.map((r, i) => el('option', { value: String(i), text: r.display || r.code })));
    const comment = el('input', { class: 'override-comment', type: 'text', placeholder: 'Comment (optional)', 'aria-label': 'Override comment' });
    const overrideButton = el('button', {
      type: 'button', class: 'override-button',
      onclick: () => override(card, reasons[Number(reasonSelect.value)] || null, comment.value, node, feedback, serviceId, reasonSelect),
    }, 'Override');

    node.append(...[
      el('header', {}, el('span', { class: 'indicator', text: indicator }), el('h2', { class: 'summary', text: card.summary || '' })),
      detail,
      suggestions.length ? el('div', { class: 'suggestions' }, suggestions) : null,
      links.length ? el('div', { class: 'links' }, links) : null,
      el('div', { class: 'card-footer' }, sourceNode, el('div', { class: 'override' }, reasonSelect, comment, overrideButton)),
      feedback].filter(Boolean));
    return node;
  }

  function settle(node, outcome) {
    node.dataset.outcome = outcome;
    for (const b of node.querySelectorAll('button, select, input')) b.disabled = true;
  }

  async function accept(card, suggestion, node, feedback, serviceId) {
    settle(node, 'accepted');
    const actions = suggestion.actions || [];
    node.insertBefore(el('ul', { class: 'applied' },
      el('li', { text: `Accepted: ${suggestion.label}` }),
      actions.map((a) => el('li', { text: `The EHR would ${a.type}${a.resourceId ? ` ${a.resourceId}` : ''}: ${a.description}` }))), feedback);
    await sendFeedback(serviceId, card, {
      outcome: 'accepted',
      acceptedSuggestions: suggestion.uuid ? [{ id: suggestion.uuid }] : [],
    }, feedback);
  }

  async function override(card, reason, userComment, node, feedback, serviceId, reasonSelect) {
    if ((card.overrideReasons || []).length && !reason) {
      feedback.className = 'feedback-status warn';
      feedback.textContent = 'Choose an override reason first.';
      reasonSelect.focus();
      return;
    }
    settle(node, 'overridden');
    const item = { outcome: 'overridden' };
    if (reason || userComment) {
      item.overrideReason = {};
      if (reason) item.overrideReason.reason = reason;
      if (userComment) item.overrideReason.userComment = userComment;
    }
    await sendFeedback(serviceId, card, item, feedback);
  }

  // CDS Hooks 2.0 feedback: POST {service}/feedback. The endpoint may not exist on every service: 404 is reported, not an error.
  async function sendFeedback(serviceId, card, item, statusNode) {
    if (!card.uuid) {
      statusNode.className = 'feedback-status warn';
      statusNode.textContent = 'This card has no uuid, so no feedback can be sent for it.';
      return;
    }
    const payload = { feedback: [{ card: card.uuid, ...item, outcomeTimestamp: new Date().toISOString() }] };
    try {
      const r = await fetch(`/cds-services/${encodeURIComponent(serviceId)}/feedback`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload),
      });
      if (r.ok) {
        statusNode.className = 'feedback-status ok';
        statusNode.textContent = `Feedback recorded (${item.outcome}, HTTP ${r.status}).`;
      } else if (r.status === 404 || r.status === 405) {
        statusNode.className = 'feedback-status warn';
        statusNode.textContent = `${item.outcome[0].toUpperCase()}${item.outcome.slice(1)}. This service has no feedback endpoint (HTTP ${r.status}), so nothing was recorded.`;
      } else {
        const issues = outcomeIssues(await r.text());
        statusNode.className = 'feedback-status error';
        statusNode.textContent = `Feedback rejected: HTTP ${r.status}${issues.length ? ` — ${issues.join('; ')}` : ''}`;
      }
    } catch (e) {
      statusNode.className = 'feedback-status error';
      statusNode.textContent = `Feedback could not be sent: ${e.message}`;
    }
    statusNode.dataset.done = 'true';
  }

  // ---------- start ----------
  async function init() {
    try {
      const [discovery, examples] = await Promise.all([getJson('/cds-services'), getJson('/playground/examples')]);
      state.services = discovery.services || [];
      state.patients = examples.patients || [];
      state.orders = examples.orders || [];
    } catch (e) {
      showStatus(`The playground could not load: ${e.message}`, true);
      return;
    }
    $('service').replaceChildren(...state.services.map((s) => el('option', { value: s.id, text: s.id, title: s.title || s.id })));
    const preferred = state.services.find((s) => s.hook === 'order-sign');
    if (preferred) $('service').value = preferred.id;
    $('patient').replaceChildren(...state.patients.map((p) => el('option', { value: p.id, text: p.label })));
    $('order').replaceChildren(el('option', { value: '', text: 'As recorded in the example' }),
      ...state.orders.map((o) => el('option', { value: o.id, text: o.label })));
    for (const id of ['service', 'patient', 'order']) $(id).addEventListener('change', buildRequest);
    $('rebuild').addEventListener('click', buildRequest);
    $('fire').addEventListener('click', fire);
    buildRequest();
    document.body.dataset.ready = 'true';
  }

  init();
})();
