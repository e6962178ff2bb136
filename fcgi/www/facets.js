// facets.js - the filters: a fieldset of counted values per schema field, and the chips
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The fields, their order and legends are the schema's filter fields
// (schema.js); nothing here names a field but `year`, whose values are
// listed newest first.

import { el, fill } from './dom.js';
import { getOptionalJSON } from './api.js';
import { filterFields } from './schema.js';
import { searchParams, unfilteredUrl, withChanges } from './state.js';
import { ui } from './page.js';
import { rememberLabels, valueLabel } from './labels.js';
import { enhanceLongFacet } from './facetlong.js';

// Facet counts of a field with active filters come from the same search
// without that field's filters, so that its other values can still be added
// (values of one field are ORed): the usual "disjunctive" facets. Resolves
// to [name, values or null] for each such field.
export function facetCounts(s, signal) {
    const fields = filterFields().filter((f) => f.facet && s.filters[f.param].length > 0);
    return Promise.all(fields.map(async (f) => {
        const p = searchParams(withChanges(s, { page: 1, perPage: 1, sort: 'relevance' }),
            { api: true, omit: f.param });
        const d = await getOptionalJSON(`/search?${p.toString()}`, signal);
        return [f.name, d && d.facets ? d.facets[f.name] : null];
    }));
}

function facetGroup(field, values, selected, estimated) {
    const counts = new Map();
    const items = new Map();
    rememberLabels(field.name, values);
    for (const item of Array.isArray(values) ? values : []) {
        if (item && typeof item.value === 'string') {
            counts.set(item.value, Number(item.count) || 0);
            items.set(item.value, item);
        }
    }
    for (const v of selected) if (!counts.has(v)) counts.set(v, 0);
    if (!counts.size) return null;
    let entries = [...counts.entries()];
    if (field.name === 'year') entries = entries.sort((a, b) => b[0].localeCompare(a[0]));
    const list = el('ul', { class: `facet-values${entries.length > 10 ? ' long' : ''}` });
    for (const [value, count] of entries) {
        const box = el('input', { type: 'checkbox', 'data-param': field.param, value,
            checked: selected.includes(value) });
        list.append(el('li', {}, el('label', { class: 'facet-value' }, box,
            el('span', { class: 'facet-text' },
                el('bdi', {}, valueLabel(field.name, value, items.get(value))), ' ',
                el('span', { class: 'count' }, estimated ? `(about ${count})` : `(${count})`)))));
    }
    return el('fieldset', { class: 'facet', 'data-field': field.name },
        el('legend', {}, field.label), list);
}

// One fieldset per filter field with values to show. `estimated`: past the
// server's facet limit the counts are scaled from a sample.
export function renderFacets(s, facets, estimated) {
    fill(ui.facetsSlot, filterFields().map((f) =>
        facetGroup(f, facets ? facets[f.name] : [], s.filters[f.param], estimated)));
    for (const group of ui.facetsSlot.querySelectorAll('fieldset.facet')) enhanceLongFacet(group);
}

// The active filters as buttons that remove them, and "Clear all filters";
// null without any.
export function activeFilters(s) {
    const chips = [];
    for (const f of filterFields()) {
        for (const v of s.filters[f.param]) {
            chips.push({ legend: f.label, param: f.param, value: v, label: valueLabel(f.name, v) });
        }
    }
    if (s.from) chips.push({ legend: 'From year', param: 'from', value: s.from });
    if (s.to) chips.push({ legend: 'To year', param: 'to', value: s.to });
    if (!chips.length) return null;
    const list = el('ul', { class: 'chips', 'aria-label': 'Active filters' });
    for (const c of chips) {
        list.append(el('li', {},
            el('button', { type: 'button', class: 'chip', 'data-remove': c.param, 'data-value': c.value },
                el('span', { class: 'visually-hidden' }, 'Remove '),
                `${c.legend}: `, el('bdi', {}, c.label || c.value),
                el('span', { class: 'chip-x', 'aria-hidden': 'true' }, '\u00d7'))));
    }
    return el('div', { class: 'active-filters' },
        el('p', { class: 'active-filters-label', 'aria-hidden': 'true' }, 'Filtered by:'),
        list, el('a', { class: 'clear-all', href: unfilteredUrl(s) }, 'Clear all filters'));
}
