// browse.js - the empty page offers the archive's processes, meetings, themes and countries
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// A delegate who does not know what to type can start from what the
// archive holds: one facet search over everything the viewer may see
// (GET /search with an empty query; the API counts only visible documents)
// gives each value with its count, and each is a link to the search
// filtered on it. A facet row's `label` (a meeting's title) is shown when
// the API gives one, else its value. Nothing is shown if the API fails:
// the search box still works.

import { clear, el } from './dom.js';
import { getOptionalJSON } from './api.js';
import { fieldNamed } from './schema.js';
import { filterUrl } from './state.js';
import { ui } from './page.js';

// The fields offered, by name, in this order: the ways the archive is
// organised. A field the schema does not have (or does not facet) is left out.
const BROWSED = ['process', 'meeting', 'theme', 'country'];
// A group with more values than this takes the whole width, in columns.
const LONG = 12;

function group(field, rows) {
    const list = el('ul', {});
    for (const row of rows) {
        if (!row || typeof row.value !== 'string') continue;
        const text = typeof row.label === 'string' && row.label ? row.label : row.value;
        list.append(el('li', {}, el('a', { href: filterUrl(field.param, row.value) },
            el('bdi', {}, text)), ' ', el('span', { class: 'count' }, `(${Number(row.count) || 0})`)));
    }
    if (!list.children.length) return null;
    const id = `browse-${field.name}`;
    const long = list.children.length > LONG ? ' long' : '';
    return el('section', { class: `browse-group${long}`, 'aria-labelledby': id },
        el('h3', { id }, field.label), list);
}

function slot() {
    let node = document.getElementById('browse-slot');
    if (!node) {
        node = el('div', { id: 'browse-slot' });
        ui.intro.append(node);
    }
    return node;
}

export async function renderBrowse(signal) {
    const target = slot();
    let data = null;
    try {
        data = await getOptionalJSON('/search?q=&per_page=1&facets=1', signal);
    } catch {
        return; // aborted: a newer view is on its way
    }
    clear(target);
    if (!data || !data.facets || ui.intro.hidden) return;
    const groups = BROWSED.map(fieldNamed)
        .filter((f) => f && f.facet && f.param && Array.isArray(data.facets[f.name]))
        .map((f) => group(f, data.facets[f.name])).filter(Boolean);
    if (!groups.length) return;
    target.append(el('section', { class: 'browse', 'aria-labelledby': 'browse-title' },
        el('h2', { id: 'browse-title' }, 'Browse the archive'),
        el('div', { class: 'browse-groups' }, ...groups)));
}
