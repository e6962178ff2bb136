// schema.js - the index's fields, as the page shows them as filters
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT

// The filter fields, in the order the page shows them. `name` is the name in
// the API's `facets` object, `param` the URL and API parameter.
const FIELDS = [
    { name: 'type', param: 'type', label: 'Type', filter: true, facet: true },
    { name: 'process', param: 'process', label: 'Process', filter: true, facet: true },
    { name: 'meeting', param: 'meeting', label: 'Meeting', filter: true, facet: true },
    { name: 'year', param: 'year', label: 'Year', filter: true, facet: true },
    { name: 'country', param: 'country', label: 'Country', filter: true, facet: true },
    { name: 'theme', param: 'theme', label: 'Theme', filter: true, facet: true },
    { name: 'status', param: 'status', label: 'Implementation status', filter: true, facet: true },
    { name: 'language', param: 'lang', label: 'Language', filter: true, facet: true },
];
const SORTS = ['relevance', 'newest', 'oldest'];

export function filterFields() {
    return FIELDS;
}

export function fieldNamed(name) {
    return FIELDS.find((f) => f.name === name) || null;
}

export function sortNames() {
    return SORTS;
}
