// /api/openapi.json and /api/docs: the API document and a page that reads it, declared like
// every other endpoint so the document lists itself too.
import { Api, type ApiDeps } from './api.js';
import { DOCS_PAGE } from './openapi.js';

export function docsRoutes(deps: ApiDeps, info: { title: string; version: string; serverUrl: string }): Api {
  const api = new Api(deps, '/api', 'API document');
  api.open('get', '/openapi.json', { summary: 'This document (OpenAPI 3.1)' }, () => deps.registry.document(info));
  api.open('get', '/docs', { summary: 'A page that lists every operation of this document', produces: 'text/html' }, ({ res }) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
    return DOCS_PAGE;
  });
  return api;
}
