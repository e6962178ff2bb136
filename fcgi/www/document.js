// document.js - the document view: metadata, text, implementation, citation, related
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The metadata rows are the schema's fields (schema.js), in its order and
// under its labels, values by their names (labels.js); a field without a
// renderer of its own below is shown as text. The page adds the date, "More
// details" (ids and free fields, collapsed) and, for a recommendation, the
// implementation table. A Markdown document's text is rendered from its
// source (markdown.js).

import { clear, el, langAttr, directionOf, plainClick, plural, quoted, textDirection, timeEl }
    from './dom.js';
import { getJSON, getOptionalJSON, isAbort } from './api.js';
import { allFields } from './schema.js';
import { docHref, filterUrl } from './state.js';
import { clearAlert, focusAfter, SERVICE_DOWN, setTitle, showAlert, showDocChrome, ui }
    from './page.js';
import { metaLine } from './results.js';
import { statusBreakdown, summaryText } from './statuses.js';
import { highlighter, renderText } from './text.js';
import { renderMarkdown } from './markdown.js';
import { languageName, meetingLabel } from './labels.js';
import { countryViewLink, meetingViewLink } from './views.js';

const SIMILAR_COUNT = 5;

// "<title>. [Recommendation <n>, <meeting>.] <process>, [<meeting>,] <date>.
// Document <id> (<symbol>). UNITAR migration archive. <permalink>", leaving
// out what the document lacks; the meeting by its title when the API gives
// one. As nodes: each value in a <bdi>, so that an Arabic title does not
// reorder the rest; textContent is the plain citation.
function citation(doc) {
    const parts = [];
    const title = (doc.title || doc.id).replace(/[.\s]+$/, '');
    // A title cut with an ellipsis ends there.
    parts.push(el('bdi', {}, title), title.endsWith('\u2026') ? '' : '.');
    const meeting = meetingLabel(doc);
    const numbered = Number.isInteger(doc.number) && meeting;
    if (numbered) parts.push(` Recommendation ${doc.number}, `, el('bdi', {}, meeting), '.');
    const where = [doc.process, numbered ? null : meeting, doc.date]
        .filter((x) => typeof x === 'string' && x);
    where.forEach((value, i) => parts.push(i ? ', ' : ' ', el('bdi', {}, value)));
    if (where.length) parts.push('.');
    parts.push(' Document ', el('bdi', {}, doc.id));
    if (doc.symbol) parts.push(' (', el('bdi', {}, doc.symbol), ')');
    parts.push(`. UNITAR migration archive. ${location.origin}${docHref(doc.id)}`);
    return parts;
}

// A metadata value as text: a string, a number or a list of strings; null
// for anything else or nothing.
function valueText(value) {
    if (typeof value === 'string') return value !== '' ? value : null;
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
    if (!Array.isArray(value)) return null;
    const items = value.filter((v) => typeof v === 'string' && v !== '');
    return items.length ? items.join(', ') : null;
}

// Where the document keeps `field`: under its own key, under `extra` by its
// name, or (language; a recommendation's number) at the top by its name.
// Returns {text, free} (free: a value of `extra`, written in the document's
// language) or null.
function fieldValue(doc, field, extra) {
    const own = field.key ? valueText(doc[field.key]) : null;
    if (own !== null) return { text: own, free: false };
    const free = Object.hasOwn(extra, field.name) ? valueText(extra[field.name]) : null;
    if (free !== null) return { text: free, free: true };
    const top = Object.hasOwn(doc, field.name) ? valueText(doc[field.name]) : null;
    return top !== null ? { text: top, free: false } : null;
}

// Fields shown their own way, by name: the meeting by its title as a link to
// its documents, the language by its name, each country as a link to its
// view (views.js), the symbol isolated from the text around it, the time
// added as a day.
const SHOWN = {
    country: (field, text, doc) => {
        const list = doc[field.key];
        return Array.isArray(list)
            ? list.filter((c) => typeof c === 'string' && c)
                .map((c, i) => [i ? ', ' : null, countryViewLink(c)])
            : text;
    },
    meeting: (field, text, doc) => {
        const label = el('bdi', {}, meetingLabel(doc) || text);
        return field.filter ? el('a', { href: filterUrl(field.param, text) }, label) : label;
    },
    language: (field, text) => languageName(text),
    symbol: (field, text) => el('bdi', {}, text),
    // When the archive gained it ("2026-12-04T14:30:59Z"): the day is enough.
    added: (field, text) => timeEl(text.slice(0, 10)),
};

function definitionList(cls) {
    const dl = el('dl', { class: cls });
    const add = (term, ...value) => {
        dl.append(el('div', { class: 'meta-row' }, el('dt', {}, term), el('dd', {}, ...value)));
    };
    return [dl, add];
}

// "More details", collapsed: what is kept for staff and for reference rather
// than read: the document id, the meeting's id beside its title, and the
// free metadata fields (flags such as "sample") under their own keys.
function moreDetails(doc, lang, extra, shownExtra) {
    const [dl, add] = definitionList('metadata more-metadata');
    add('Document id', el('code', {}, doc.id));
    if (typeof doc.meeting === 'string' && meetingLabel(doc) !== doc.meeting) {
        add('Meeting id', el('code', {}, doc.meeting));
    }
    if (typeof doc.language === 'string' && doc.language) add('Language code', el('code', {}, doc.language));
    for (const [name, value] of Object.entries(extra)) {
        const text = valueText(value);
        if (text !== null && !shownExtra.has(name)) add(el('code', {}, name), el('span', { dir: 'auto', lang }, text));
    }
    return el('details', { class: 'more-details' }, el('summary', {}, 'More details'), dl);
}

function metadataList(doc, lang) {
    const [dl, add] = definitionList('metadata');
    const extra = doc.extra && typeof doc.extra === 'object' ? doc.extra : {};
    const shownExtra = new Set();
    let dated = false;
    for (const field of allFields()) {
        // The year is the year of the date, which is shown whole.
        if (field.name === 'year' && doc.date) {
            add('Date', timeEl(doc.date));
            dated = true;
        }
        // One status would hide the others: the summary of them all instead.
        if (field.name === 'status' && summaryText(doc.status_summary)) {
            add(field.label, summaryText(doc.status_summary));
            continue;
        }
        const value = fieldValue(doc, field, extra);
        if (!value) continue;
        if (value.free) shownExtra.add(field.name);
        if (SHOWN[field.name]) add(field.label, SHOWN[field.name](field, value.text, doc));
        else add(field.label, value.free ? el('span', { dir: 'auto', lang }, value.text) : value.text);
    }
    if (doc.date && !dated) add('Date', timeEl(doc.date));
    return [dl, moreDetails(doc, lang, extra, shownExtra)];
}

function implementationTable(rows) {
    const table = el('table', { class: 'implementation' },
        el('caption', {}, 'Implementation by country'),
        el('thead', {}, el('tr', {},
            ['Country', 'Status', 'Obstacles', 'Reported'].map((h) => el('th', { scope: 'col' }, h)))));
    const body = el('tbody');
    // data-label names the column for the narrow layout of style.css.
    const cell = (value, label) => {
        const tag = label === 'Country' ? 'th' : 'td';
        const attrs = tag === 'th' ? { scope: 'row' } : { 'data-label': label };
        if (typeof value === 'string' && value.trim() !== '') {
            return el(tag, Object.assign(attrs, { dir: 'auto' }),
                tag === 'th' ? countryViewLink(value.trim()) : value.trim());
        }
        return el(tag, attrs, el('span', { 'aria-hidden': 'true' }, '\u2014'),
            el('span', { class: 'visually-hidden' }, 'not reported'));
    };
    for (const row of rows) {
        if (!row || typeof row !== 'object') continue;
        const reported = typeof row.date === 'string' && row.date
            ? el('td', { 'data-label': 'Reported' }, timeEl(row.date)) : cell(null, 'Reported');
        body.append(el('tr', {}, cell(row.country, 'Country'), cell(row.status, 'Status'),
            cell(row.obstacles, 'Obstacles'), reported));
    }
    table.append(body);
    return el('div', { class: 'table-wrap' }, table);
}

function section(id, title, ...content) {
    return el('section', { class: 'doc-section', 'aria-labelledby': id },
        el('h2', { id }, title), ...content);
}

function relatedList(similar) {
    if (similar === null) return el('p', { class: 'muted' }, 'Related documents could not be loaded.');
    const results = Array.isArray(similar.results) ? similar.results : [];
    if (!results.length) return el('p', { class: 'muted' }, 'No related documents were found.');
    const list = el('ul', { class: 'related' });
    for (const r of results) {
        if (!r || typeof r.id !== 'string') continue;
        const lang = langAttr(r.language);
        list.append(el('li', {},
            el('p', { class: 'related-title', dir: textDirection(r.title || r.id) },
                el('a', { href: docHref(r.id), dir: 'auto', lang }, r.title || r.id)),
            metaLine(r)));
    }
    return list;
}

async function copyText(text, source) {
    if (navigator.clipboard && window.isSecureContext) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch (err) {
            // fall through to the selection below
        }
    }
    // Without the asynchronous clipboard (plain http on an intranet host), copy
    // the selected citation.
    const selection = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(source);
    selection.removeAllRanges();
    selection.addRange(range);
    let ok = false;
    try {
        ok = document.execCommand('copy');
    } catch (err) {
        ok = false;
    }
    return ok;
}

function citeSection(doc) {
    const text = el('p', { class: 'citation', id: 'citation-text' }, citation(doc));
    const message = el('span', { class: 'copy-message', role: 'status' });
    const button = el('button', { type: 'button', class: 'button' }, 'Copy citation');
    button.addEventListener('click', async () => {
        message.textContent = '';
        const ok = await copyText(text.textContent, text);
        message.textContent = ok ? 'Citation copied.'
            : 'The citation could not be copied: it is selected, copy it with Ctrl+C.';
    });
    return section('cite-title', 'Cite this document', text, el('p', { class: 'copy-line' }, button, ' ', message));
}

function backLink() {
    const hs = history.state || {};
    const href = typeof hs.resultsUrl === 'string' ? hs.resultsUrl : '/';
    const link = el('a', { href, class: 'back-link' },
        el('span', { 'aria-hidden': 'true' }, '\u2190 '), 'Back to results');
    link.addEventListener('click', (ev) => {
        if (!plainClick(ev)) return;
        const state = history.state || {};
        if (typeof state.resultsUrl === 'string' && Number.isInteger(state.depth) && state.depth > 0) {
            ev.preventDefault();
            history.go(-state.depth);
        }
        // otherwise the document click handler navigates to href
    });
    return link;
}

// The page's own words are English and left to right, inside a document
// that may be neither.
function chrome(node) {
    node.setAttribute('lang', 'en');
    node.setAttribute('dir', 'ltr');
    return node;
}

// "Text": the full text with the words of the query `q` marked; a Markdown
// document rendered from its source (markdown.js).
function textSection(doc, lang, q) {
    const textBox = el('div', { class: 'doc-text', dir: 'auto', lang });
    let marks = 0;
    if (typeof doc.markdown === 'string' && doc.markdown.trim() !== '') {
        textBox.classList.add('markdown');
        marks = renderMarkdown(textBox, doc.markdown, highlighter(q));
    } else if (typeof doc.text === 'string' && doc.text.trim() !== '') {
        marks = renderText(textBox, doc.text, highlighter(q));
    } else {
        textBox.append(el('p', { class: 'muted', lang: 'en', dir: 'ltr' }, 'This document has no text in the index.'));
    }
    const out = section('text-title', 'Text');
    chrome(out.firstChild);
    if (marks > 0) {
        out.append(chrome(el('p', { class: 'muted' },
            'The words of your search ', quoted(q),
            ` are highlighted (${plural(marks, 'match', 'matches')}).`)));
    }
    out.append(textBox);
    return out;
}

function renderDocument(doc, similar, q) {
    const lang = langAttr(doc.language);
    const dir = directionOf(doc.language, `${doc.title || ''} ${(doc.text || '').slice(0, 400)}`);
    const title = doc.title || doc.id;
    const article = el('article', { class: 'document', lang, dir, 'aria-labelledby': 'doc-title' });
    article.append(el('h1', { id: 'doc-title', tabindex: '-1', lang, dir }, title));
    for (const node of metadataList(doc, lang)) article.append(chrome(node));
    const actions = el('ul', { class: 'doc-actions' }, el('li', {},
        el('a', { href: `${location.origin}${docHref(doc.id)}`, class: 'permalink' }, 'Permalink')));
    const table = meetingViewLink(doc);
    if (table) actions.append(el('li', {}, table));
    if (typeof doc.file === 'string' && doc.file.startsWith('/doc/')) {
        actions.append(el('li', {}, el('a', { href: doc.file, class: 'file-link' }, 'Original file')));
    }
    article.append(chrome(actions));
    const breakdown = statusBreakdown(doc, false);
    if (breakdown) article.append(chrome(breakdown));
    if (Array.isArray(doc.implementation) && doc.implementation.length) {
        article.append(chrome(implementationTable(doc.implementation)));
    }
    article.append(textSection(doc, lang, q));
    article.append(chrome(citeSection(doc)));
    article.append(chrome(section('related-title', 'Related documents', relatedList(similar))));
    clear(ui.docView);
    ui.docView.append(el('p', { class: 'back' }, backLink()), article);
    setTitle(title);
}

// The document `id` could not be shown: it does not exist for this user
// (err.kind 'client') or the service is down.
export function renderDocProblem(id, err) {
    clear(ui.docView);
    const h1 = el('h1', { id: 'doc-title', tabindex: '-1' },
        err.kind === 'client' ? 'Document not found' : 'Document not available');
    const body = err.kind === 'client'
        ? el('p', {}, 'No document with the id ', el('code', {}, id),
            ' is in the archive, or it is not available to you. ',
            el('a', { href: `/?q=${encodeURIComponent(id)}` }, 'Search for it'), '.')
        : el('p', {}, 'The document could not be loaded.');
    ui.docView.append(el('p', { class: 'back' }, backLink()), el('article', { class: 'document' }, h1, body));
    setTitle(h1.textContent);
    if (err.kind !== 'client') showAlert(SERVICE_DOWN);
}

// The query of a document view: its address's, else the one it was opened
// with (kept in the history state, for highlighting).
function docQuery(s) {
    const hs = history.state || {};
    if (typeof s.q === 'string') return s.q;
    return typeof hs.q === 'string' ? hs.q : '';
}

export async function renderDoc(s, signal, focus) {
    showDocChrome();
    const q = docQuery(s);
    if (ui.q.value !== q) ui.q.value = q;
    clear(ui.docView);
    ui.docView.append(el('p', { class: 'muted loading' }, 'Loading the document\u2026'));
    const id = s.id || '';
    const enc = encodeURIComponent(id);
    let doc;
    let similar;
    try {
        [doc, similar] = await Promise.all([
            getJSON(`/doc/${enc}`, signal),
            getOptionalJSON(`/similar/${enc}?per_page=${SIMILAR_COUNT}`, signal),
        ]);
    } catch (err) {
        if (isAbort(err)) return;
        renderDocProblem(id, err);
        focusAfter(focus);
        return;
    }
    clearAlert();
    renderDocument(doc, similar, q);
    focusAfter(focus);
}
