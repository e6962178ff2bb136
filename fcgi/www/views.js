// views.js - the meeting view and the country view: the status tables
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// `/?meeting_view=<id>` shows GET /meeting/{id}: the recommendations of a
// meeting by the countries they concern, each cell the status that country
// reported, with the summaries and the CSV and JSON downloads.
// `/?country_view=<name>` shows GET /country/{name}: every recommendation
// for a country, by meeting, with what it reported over the years. Both
// are drawn in the document view's place (ui.docView). The links other
// views show to these (meetingViewLink, countryViewLink) are here too.

import { clear, el, plural, timeEl } from './dom.js';
import { getJSON, isAbort } from './api.js';
import { docHref, filterUrl } from './state.js';
import { clearAlert, focusAfter, SERVICE_DOWN, setTitle, showAlert, showDocChrome, ui }
    from './page.js';

export function meetingViewHref(id) {
    return `/?meeting_view=${encodeURIComponent(id)}`;
}

export function countryViewHref(name) {
    return `/?country_view=${encodeURIComponent(name)}`;
}

// The link from a recommendation (a result or a document) to the table of
// its meeting; null for anything else.
export function meetingViewLink(doc) {
    if (!doc || doc.type !== 'recommendation' || typeof doc.meeting !== 'string' || !doc.meeting) {
        return null;
    }
    return el('a', { href: meetingViewHref(doc.meeting), class: 'meeting-view-link' },
        'Implementation table of the meeting');
}

// A country's name as a link to its view.
export function countryViewLink(name) {
    return el('a', { href: countryViewHref(name), dir: 'auto' }, name);
}

const STATUS_CLASS = {
    implemented: 'status-implemented',
    'partially implemented': 'status-partial',
    'not implemented': 'status-not',
    'no information': 'status-none',
};

// A status as a badge: its words (never a colour alone).
function badge(status) {
    return el('span', { class: `status-badge ${STATUS_CLASS[status] || 'status-none'}` }, status);
}

// "2 of 4 countries implemented" from a summary {<total>: n, <status>: n};
// `total` is also the plural noun.
function summaryText(summary, total, one) {
    const n = Number(summary && summary[total]) || 0;
    const done = Number(summary && summary.implemented) || 0;
    return `${done} of ${plural(n, one, total)} implemented`;
}

function downloads(data, base, filename) {
    return el('ul', { class: 'doc-actions view-downloads' },
        el('li', {}, el('a', { href: data.csv_url, download: `${filename}.csv`, class: 'csv-link' },
            'Download CSV')),
        el('li', {}, el('a', { href: base, download: `${filename}.json`, class: 'json-link' },
            'Download JSON')));
}

function notConcerned() {
    return [el('span', { 'aria-hidden': 'true' }, '\u2014'),
        el('span', { class: 'visually-hidden' }, 'not concerned')];
}

function matrixTable(data) {
    const countries = Array.isArray(data.countries) ? data.countries : [];
    const rows = Array.isArray(data.recommendations) ? data.recommendations : [];
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Recommendation'),
        countries.map((c) => el('th', { scope: 'col' }, countryViewLink(c.name))),
        el('th', { scope: 'col' }, 'Summary'));
    const body = el('tbody');
    for (const r of rows) {
        const label = r.number ? `${r.number}. ${r.title || r.id}` : (r.title || r.id);
        const cells = Array.isArray(r.cells) ? r.cells : [];
        body.append(el('tr', {},
            el('th', { scope: 'row' }, el('a', { href: docHref(r.id), dir: 'auto' }, label)),
            countries.map((c, i) => {
                const cell = cells[i];
                return el('td', { 'data-label': c.name },
                    cell && cell.status ? badge(cell.status) : notConcerned());
            }),
            el('td', { 'data-label': 'Summary' }, summaryText(r.summary, 'countries', 'country'))));
    }
    const foot = el('tfoot', {}, el('tr', {}, el('th', { scope: 'row' }, 'By country'),
        countries.map((c) => el('td', { 'data-label': c.name },
            summaryText(c.summary, 'recommendations', 'recommendation'))),
        el('td')));
    return el('div', { class: 'table-wrap' }, el('table', { class: 'matrix' },
        el('caption', {}, 'Status reported by each country, by recommendation'),
        el('thead', {}, head), body, foot));
}

function details(pairs) {
    const dl = el('dl', { class: 'metadata' });
    for (const [term, value] of pairs) {
        if (value) dl.append(el('div', { class: 'meta-row' }, el('dt', {}, term), el('dd', {}, value)));
    }
    return dl;
}

function renderMeeting(data) {
    const m = data.meeting || {};
    const title = m.title || `Meeting ${m.id}`;
    const article = el('article', { class: 'document meeting-view', 'aria-labelledby': 'doc-title' },
        el('h1', { id: 'doc-title', tabindex: '-1', dir: 'auto' }, title),
        details([['Process', m.process], ['Date', m.date ? timeEl(m.date) : null],
            ['Venue', m.venue], ['Symbol', m.symbol ? el('bdi', {}, m.symbol) : null],
            ['Meeting id', el('code', {}, m.id)]]),
        downloads(m, `/meeting/${encodeURIComponent(m.id)}`, m.id),
        el('p', {}, el('a', { href: filterUrl('meeting', m.id) }, 'All documents of this meeting')));
    const rows = Array.isArray(data.recommendations) ? data.recommendations : [];
    if (rows.length) article.append(matrixTable(data));
    else article.append(el('p', { class: 'muted' }, 'No recommendations of this meeting are in the archive.'));
    return { article, title };
}

function reportList(reports) {
    if (!Array.isArray(reports) || !reports.length) return el('span', { class: 'muted' }, 'No report');
    return el('ul', { class: 'report-list' }, reports.map((r) => el('li', {},
        r.date ? timeEl(r.date) : 'Undated', ': ', badge(r.status),
        r.obstacles ? el('span', { class: 'obstacles', dir: 'auto' }, ` \u2013 ${r.obstacles}`) : null)));
}

function meetingSection(m, index) {
    const id = `meeting-${index}`;
    const name = m.title || (m.id ? `Meeting ${m.id}` : 'Without a meeting');
    const heading = el('h2', { id, dir: 'auto' },
        m.id ? el('a', { href: meetingViewHref(m.id) }, name) : name);
    const body = el('tbody');
    for (const r of Array.isArray(m.recommendations) ? m.recommendations : []) {
        const label = r.number ? `${r.number}. ${r.title || r.id}` : (r.title || r.id);
        body.append(el('tr', {},
            el('th', { scope: 'row' }, el('a', { href: docHref(r.id), dir: 'auto' }, label)),
            el('td', { 'data-label': 'Status' }, badge(r.status)),
            el('td', { 'data-label': 'Reports' }, reportList(r.reports))));
    }
    return el('section', { class: 'doc-section', 'aria-labelledby': id }, heading,
        el('p', { class: 'meta' }, m.process || null, m.process && m.date ? ' \u00b7 ' : null,
            m.date ? timeEl(m.date) : null),
        el('div', { class: 'table-wrap' }, el('table', { class: 'matrix country-table' },
            el('caption', { class: 'visually-hidden' }, `Recommendations of ${name}`),
            el('thead', {}, el('tr', {}, ['Recommendation', 'Status', 'Reports'].map(
                (h) => el('th', { scope: 'col' }, h)))), body)));
}

function renderCountry(data) {
    const c = data.country || {};
    const meetings = Array.isArray(data.meetings) ? data.meetings : [];
    const article = el('article', { class: 'document country-view', 'aria-labelledby': 'doc-title' },
        el('h1', { id: 'doc-title', tabindex: '-1', dir: 'auto' }, c.name),
        el('p', { class: 'view-summary' }, summaryText(c.summary, 'recommendations', 'recommendation')),
        downloads(c, `/country/${encodeURIComponent(c.name)}`, c.name),
        el('p', {}, el('a', { href: filterUrl('country', c.name) }, 'All documents concerning this country')));
    if (!meetings.length) article.append(el('p', { class: 'muted' }, 'No recommendations concern this country.'));
    meetings.forEach((m, i) => article.append(meetingSection(m, i)));
    return { article, title: c.name };
}

function renderProblem(kind, name, err) {
    const h1 = el('h1', { id: 'doc-title', tabindex: '-1' },
        err.kind === 'client' ? `${kind} not found` : `${kind} not available`);
    const body = err.kind === 'client'
        ? el('p', {}, `No ${kind.toLowerCase()} `, el('code', {}, name),
            ' is in the archive, or it is not available to you.')
        : el('p', {}, 'The table could not be loaded.');
    ui.docView.append(el('article', { class: 'document' }, h1, body));
    setTitle(h1.textContent);
    if (err.kind !== 'client') showAlert(SERVICE_DOWN);
}

// Draw the view of `s` ({view: 'meeting' | 'country', id}).
export async function renderView(s, signal, focus) {
    showDocChrome();
    clear(ui.docView);
    ui.docView.append(el('p', { class: 'muted loading' }, 'Loading the table\u2026'));
    const meeting = s.view === 'meeting';
    const url = `/${meeting ? 'meeting' : 'country'}/${encodeURIComponent(s.id || '')}`;
    let data;
    try {
        data = await getJSON(url, signal);
    } catch (err) {
        if (isAbort(err)) return;
        clear(ui.docView);
        renderProblem(meeting ? 'Meeting' : 'Country', s.id || '', err);
        focusAfter(focus);
        return;
    }
    clearAlert();
    clear(ui.docView);
    const { article, title } = meeting ? renderMeeting(data) : renderCountry(data);
    ui.docView.append(article);
    setTitle(title);
    focusAfter(focus);
}
