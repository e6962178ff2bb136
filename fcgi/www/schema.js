// schema.js - the index's fields, from GET /schema: the page's one vocabulary
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The page has no list of fields of its own. Which filters it shows, in which
// order, under which legend, and which URL and API parameter each one uses,
// come from GET /schema (docs/api.md), which the server builds from the one
// field table of indexer/shim/fields.c; so do the labels of the document
// view's metadata. A field added to that table appears in the filters, the
// facets and the document view without a change here.

import { getJSON, ApiError } from './api.js';

// Parameters the page itself uses: no field may take them over.
const RESERVED = new Set(['q', 'doc', 'from', 'to', 'sort', 'page', 'per_page', 'facets']);
const DEFAULT_SORTS = ['relevance', 'newest', 'oldest'];

let current = { fields: [], filters: [], sorts: DEFAULT_SORTS, languages: new Map() };
let loaded = null; // the promise of the one successful load

function text(value) {
    return typeof value === 'string' && value !== '' ? value : null;
}

// One field of the answer, or null for one the page cannot use.
function readField(raw) {
    if (!raw || typeof raw !== 'object' || !text(raw.name) || !text(raw.label)) return null;
    const param = text(raw.param);
    return {
        name: raw.name,
        label: raw.label,
        param,
        key: text(raw.key),
        multiple: raw.multiple === true,
        filter: raw.filter === true && param !== null && !RESERVED.has(param),
        facet: raw.facet === true,
    };
}

function readSchema(body) {
    if (!Array.isArray(body.fields)) throw new ApiError('down', 200, 'malformed /schema');
    const fields = body.fields.map(readField).filter(Boolean);
    const params = new Set();
    const filters = fields.filter((f) => {
        if (!f.filter || params.has(f.param)) return false;
        params.add(f.param);
        return true;
    });
    const sorts = Array.isArray(body.sorts) && body.sorts.includes('relevance')
        ? body.sorts.filter((s) => typeof s === 'string') : DEFAULT_SORTS;
    const languages = new Map();
    for (const l of Array.isArray(body.languages) ? body.languages : []) {
        if (l && text(l.code) && text(l.label)) languages.set(l.code.toLowerCase(), l.label);
    }
    return { fields, filters, sorts, languages };
}

// Fetch the schema once; later calls get the same answer. A failure (an
// ApiError, as for any API call) is not kept: the next call asks again.
export function loadSchema() {
    if (!loaded) {
        loaded = getJSON('/schema').then((body) => {
            current = readSchema(body);
            return current;
        });
        loaded.catch(() => {
            loaded = null;
        });
    }
    return loaded;
}

// The filter fields, in the order the page shows them: {name, label, param,
// key, multiple, filter, facet}. `name` is the key in the API's `facets`,
// `param` the URL and API parameter. Empty until loadSchema() has succeeded.
export function filterFields() {
    return current.filters;
}

// Every field people read about, in the schema's order, for the document view.
export function allFields() {
    return current.fields;
}

export function fieldNamed(name) {
    return current.fields.find((f) => f.name === name) || null;
}

// The name people read for the language `code` ("French" for "fr"), from the
// schema's languages table; null for a code it does not have.
export function languageLabel(code) {
    return typeof code === 'string' ? current.languages.get(code.toLowerCase()) || null : null;
}

export function sortNames() {
    return current.sorts;
}
