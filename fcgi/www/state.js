// state.js - the page state and the address: reading one from the other
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The address is the whole state of the page (`/?q=...&country=...&page=2`,
// `/?doc=<id>`, `/?meeting_view=<id>`, `/?country_view=<name>`), so every view can be bookmarked and shared. The filter
// parameters are those of the schema's filter fields (schema.js).

import { filterFields, sortNames } from './schema.js';

export function emptySearch() {
    const filters = {};
    for (const f of filterFields()) filters[f.param] = [];
    return { view: 'search', q: '', filters, from: '', to: '', sort: 'relevance', page: 1,
        perPage: null };
}

// A count from the address: plain digits, at least 1, or null.
function count(value, digits) {
    return new RegExp(`^\\d{1,${digits}}$`).test(value || '') && Number(value) >= 1
        ? Number(value) : null;
}

// The page state from a query string. Only known names are read, and only
// known names are ever sent on to the API (which answers 400 to others).
export function readState(search) {
    const p = new URLSearchParams(search);
    if (p.has('doc')) return { view: 'doc', id: p.get('doc'), q: p.get('q') };
    // The tables of views.js.
    if (p.has('meeting_view')) return { view: 'meeting', id: p.get('meeting_view') };
    if (p.has('country_view')) return { view: 'country', id: p.get('country_view') };
    const s = emptySearch();
    let any = false;
    for (const f of filterFields()) {
        const values = p.getAll(f.param).filter((v) => v !== '');
        s.filters[f.param] = [...new Set(values)];
        any = any || p.has(f.param);
    }
    for (const name of ['q', 'from', 'to', 'sort', 'page', 'per_page']) any = any || p.has(name);
    s.q = p.get('q') || '';
    s.from = (p.get('from') || '').trim();
    s.to = (p.get('to') || '').trim();
    s.sort = sortNames().includes(p.get('sort')) ? p.get('sort') : 'relevance';
    s.page = count(p.get('page'), 7) || 1;
    s.perPage = count(p.get('per_page'), 4);
    if (!any) s.view = 'home';
    return s;
}

// Parameters in a fixed order: q, the filters, from, to, sort, page. For the
// API `q` is always sent; `omit` leaves one filter field out.
export function searchParams(s, { api = false, omit = null, page = true, sort = true } = {}) {
    const p = new URLSearchParams();
    if (api || s.q !== '') p.append('q', s.q);
    for (const f of filterFields()) {
        if (f.param === omit) continue;
        for (const v of s.filters[f.param]) p.append(f.param, v);
    }
    if (s.from) p.append('from', s.from);
    if (s.to) p.append('to', s.to);
    if (sort && s.sort !== 'relevance') p.append('sort', s.sort);
    if (page && s.page > 1) p.append('page', String(s.page));
    if (page && s.perPage) p.append('per_page', String(s.perPage));
    return p;
}

export function stateUrl(s) {
    const query = searchParams(s).toString();
    return query ? `/?${query}` : '/?q=';
}

export function hasFilters(s) {
    return filterFields().some((f) => s.filters[f.param].length > 0) || s.from !== ''
        || s.to !== '';
}

// A copy of `s` with `changes`; its filter lists are copies too.
export function withChanges(s, changes) {
    const filters = {};
    for (const f of filterFields()) filters[f.param] = s.filters[f.param].slice();
    return Object.assign({}, s, { filters }, changes);
}

// The address of the search for `q` (and `sort`) without any filter.
export function unfilteredUrl(s) {
    return stateUrl(withChanges(emptySearch(), { q: s.q, sort: s.sort }));
}

// The address of every document whose field `param` has `value`.
export function filterUrl(param, value) {
    const s = emptySearch();
    s.filters[param] = [value];
    return stateUrl(s);
}

export function docHref(id) {
    return `/?doc=${encodeURIComponent(id)}`;
}
