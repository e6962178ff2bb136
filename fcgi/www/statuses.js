// statuses.js - a document's status by country: summary line and badges
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The API gives every result and document its breakdown, `statuses` (one
// {country, status} per country it concerns, "no information" included)
// and `status_summary` (docs/api.md, "Status by country"). A status is
// shown by its words and a colour (never the colour alone); in a search
// filtered on a country, the entries that match the filters come first
// (the server puts them there) and are marked.

import { el } from './dom.js';

// The statuses in the order the summary names them, with their CSS class.
const KINDS = [
    ['implemented', 'implemented'],
    ['partially implemented', 'partial'],
    ['not implemented', 'not'],
    ['no information', 'unknown'],
];

function kindOf(status) {
    const found = KINDS.find(([name]) => name === status);
    return found ? found[1] : 'unknown';
}

// "2 of 4 countries implemented, 1 partially implemented, 1 no information".
export function summaryText(summary) {
    const n = Number(summary && summary.countries) || 0;
    if (n === 0) return '';
    const count = (name) => Number(summary[name]) || 0;
    const parts = [`${count('implemented')} of ${n} ${n === 1 ? 'country' : 'countries'} implemented`];
    for (const [name] of KINDS.slice(1)) {
        if (count(name) > 0) parts.push(`${count(name)} ${name}`);
    }
    return parts.join(', ');
}

function badge(row) {
    const matched = row.matched === true;
    const item = el('li', { class: `status-badge status-${kindOf(row.status)}${matched ? ' matched' : ''}` },
        el('span', { class: 'status-country', dir: 'auto' }, row.country),
        el('span', { class: 'visually-hidden' }, ': '),
        el('span', { class: 'status-word' }, row.status));
    if (matched) item.append(el('span', { class: 'visually-hidden' }, ' (matches your filters)'));
    return item;
}

// The summary (unless `withSummary` is false: the document view shows it
// among the metadata) and the badges of a result or a document `doc`, or
// null when it has no status by country.
export function statusBreakdown(doc, withSummary = true) {
    const rows = (Array.isArray(doc.statuses) ? doc.statuses : [])
        .filter((row) => row && typeof row.country === 'string' && typeof row.status === 'string');
    if (rows.length === 0) return null;
    const summary = withSummary ? summaryText(doc.status_summary) : '';
    return el('div', { class: 'statuses' },
        summary ? el('p', { class: 'status-summary' }, summary) : null,
        el('ul', { class: 'status-badges', 'aria-label': 'Implementation status by country' },
            ...rows.map(badge)));
}
