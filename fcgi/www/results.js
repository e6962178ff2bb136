// results.js - the search view: status, results, notices, pages, and its failures
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT

import { el, fill, langAttr, plural, quoted, textDirection, timeEl } from './dom.js';
import { getJSON, isAbort } from './api.js';
import { fieldNamed } from './schema.js';
import { docHref, hasFilters, searchParams, stateUrl, unfilteredUrl, withChanges }
    from './state.js';
import { clearAlert, focusAfter, setFeedLink, setTitle, showAlert, showDown, showSearchChrome,
    syncControls, ui } from './page.js';
import { activeFilters, facetCounts, renderFacets } from './facets.js';
import { languageName, meetingLabel } from './labels.js';
import { statusBreakdown } from './statuses.js';
import { meetingViewLink } from './views.js';
import { setFollowFeed } from './follow.js';
import { syncFilterButton } from './filterpanel.js';

// Subjects the "No documents match" tips offer, as values of the theme field.
const SUBJECTS = ['trafficking', 'remittances', 'labour mobility'];

function statusText(data, s, pages) {
    const total = data.total || {};
    const n = Number(total.estimate) || 0;
    let text = plural(n, 'result', 'results');
    if (total.lower !== total.upper) text = `about ${text}`;
    if (pages > 1) text += `, page ${s.page} of ${pages}`;
    const took = Number(data.took_ms);
    if (Number.isFinite(took)) text += ` (${took < 10 ? took.toFixed(1) : Math.round(took)} ms)`;
    return text;
}

// The line under a result's title: type, date, process, meeting (its title
// when the API gives one), status, language.
export function metaLine(r) {
    const parts = [];
    if (r.type) parts.push(el('span', { class: 'doc-type' }, r.type));
    if (r.date) parts.push(timeEl(r.date));
    if (r.process) parts.push(el('span', {}, r.process));
    const meeting = meetingLabel(r);
    if (meeting) {
        parts.push(el('span', { class: 'meeting' },
            meeting === r.meeting ? `Meeting ${meeting}` : el('bdi', {}, meeting)));
    }
    // A breakdown by country says more than one status (statuses.js).
    if (r.status && !(Array.isArray(r.statuses) && r.statuses.length)) {
        parts.push(el('span', {}, r.status));
    }
    const language = languageName(r.language);
    if (language) parts.push(el('span', { class: 'doc-language' }, language));
    const line = el('p', { class: 'meta' });
    parts.forEach((part, i) => {
        if (i > 0) line.append(el('span', { class: 'sep', 'aria-hidden': 'true' }, ' \u00b7 '));
        if (i > 0) line.append(el('span', { class: 'visually-hidden' }, ', '));
        line.append(part);
    });
    return line;
}

function resultItem(r) {
    const lang = langAttr(r.language);
    const title = r.title || r.id;
    const item = el('li', { class: 'result' },
        el('h2', { class: 'result-title', dir: textDirection(title) },
            el('a', { href: docHref(r.id), dir: 'auto', lang }, title)),
        metaLine(r), statusBreakdown(r));
    const table = meetingViewLink(r);
    if (table) item.append(el('p', { class: 'result-links' }, table));
    const base = typeof r.url === 'string' && r.url.startsWith('/doc/')
        ? r.url : `/doc/${encodeURIComponent(r.id)}`;
    for (const snippet of Array.isArray(r.snippets) ? r.snippets : []) {
        if (!snippet || typeof snippet.html !== 'string') continue;
        const p = el('p', { class: 'snippet', dir: 'auto', lang });
        // Safe by the API's contract: escaped text with <mark> only.
        p.innerHTML = snippet.html;
        if (Number.isInteger(snippet.page) && snippet.page > 0) {
            p.append(' ', el('a', { class: 'page-link', href: `${base}/file#page=${snippet.page}`,
                lang: 'en', dir: 'ltr' }, `page ${snippet.page}`));
        }
        item.append(p);
    }
    return item;
}

function notices(data, s) {
    const out = [];
    if (data.plain_words) {
        out.push(el('p', { class: 'notice' },
            'Your query could not be read as query syntax (an operator or a bracket out of ',
            'place?), so its words were searched one by one.'));
    }
    if (typeof data.did_you_mean === 'string' && data.did_you_mean !== '') {
        const corrected = withChanges(s, { q: data.did_you_mean, page: 1 });
        out.push(el('p', { class: 'did-you-mean' }, 'Did you mean ',
            el('a', { href: stateUrl(corrected), dir: 'auto' }, data.did_you_mean), '?'));
    }
    return out;
}

// "Search by subject instead", when the schema has a theme filter.
function subjectsTip() {
    const theme = fieldNamed('theme');
    if (!theme || !theme.filter) return null;
    const links = SUBJECTS.map((subject) => el('a',
        { href: `/?${new URLSearchParams([['q', ''], [theme.param, subject]])}` }, subject));
    return el('li', {}, 'Search by subject instead: ',
        links.flatMap((link, i) => (i ? [', ', link] : [link])), '.');
}

function noResults(s, data) {
    const tips = el('ul', { class: 'tips' });
    if (s.q) {
        tips.append(el('li', {}, 'Check the spelling of your words',
            data.did_you_mean ? ', or try the suggestion above.' : '.'));
        tips.append(el('li', {}, 'Use fewer or more general words, or the beginning of a word ',
            'with a star: ', el('code', {}, 'migra*'), '.'));
        tips.append(el('li', {}, 'For documents in French, Spanish or Russian, type a word ',
            'as it is written in the text, in quotes.'));
    }
    if (hasFilters(s)) {
        tips.append(el('li', {}, 'Remove some filters, or ',
            el('a', { href: unfilteredUrl(s) }, 'search without any filter'), '.'));
    }
    const subjects = s.q ? subjectsTip() : null;
    if (subjects) tips.append(subjects);
    if (!tips.firstChild) tips.append(el('li', {}, el('a', { href: '/?q=' }, 'Browse every document'), '.'));
    return el('section', { class: 'no-results', 'aria-labelledby': 'no-results-title' },
        el('h2', { id: 'no-results-title' }, 'No documents match'),
        el('p', {}, 'Nothing in the archive matches ',
            s.q ? quoted(s.q) : 'these filters',
            s.q && hasFilters(s) ? ' with these filters.' : '.', ' You could:'),
        tips);
}

function pastTheEnd(s, total, pages) {
    return el('section', { class: 'no-results', 'aria-labelledby': 'past-end' },
        el('h2', { id: 'past-end' }, 'No more results'),
        el('p', {}, `This search has ${plural(total, 'result', 'results')}, on `,
            `${plural(pages, 'page', 'pages')}. `,
            el('a', { href: stateUrl(withChanges(s, { page: 1 })) }, 'Go to the first page'), '.'));
}

function pagination(s, pages) {
    if (pages <= 1) return null;
    const list = el('ul', { class: 'pages' });
    const link = (page, label, extra) => el('a', Object.assign({ href: stateUrl(withChanges(s, { page })) },
        extra || {}), label);
    if (s.page > 1) list.append(el('li', { class: 'page-step' }, link(Math.min(s.page - 1, pages), 'Previous page', { rel: 'prev' })));
    const shown = new Set([1, pages]);
    for (let n = s.page - 2; n <= s.page + 2; n += 1) if (n >= 1 && n <= pages) shown.add(n);
    let previous = 0;
    for (const n of [...shown].sort((a, b) => a - b)) {
        if (n - previous > 1) list.append(el('li', { class: 'gap', 'aria-hidden': 'true' }, '\u2026'));
        const label = [el('span', { class: 'visually-hidden' }, 'Page '), String(n)];
        list.append(el('li', {}, link(n, label,
            n === s.page ? { 'aria-current': 'page', class: 'current' } : {})));
        previous = n;
    }
    if (s.page < pages) list.append(el('li', { class: 'page-step' }, link(s.page + 1, 'Next page', { rel: 'next' })));
    return el('nav', { 'aria-label': 'Pages', class: 'pagination' }, list);
}

// The search view for the API's answer `data`, with the facet counts
// `others` of the fields that have active filters.
function renderAnswer(s, data, others) {
    const results = Array.isArray(data.results) ? data.results : [];
    const perPage = Number(data.per_page) || s.perPage || 10;
    const total = Number(data.total && data.total.estimate) || 0;
    const pages = Math.max(1, Math.ceil(total / perPage));
    ui.status.textContent = statusText(data, s, pages);
    fill(ui.noticeSlot, notices(data, s));
    if (results.length) {
        const list = el('ol', { class: 'results', 'aria-label': 'Results',
            start: (s.page - 1) * perPage + 1 });
        for (const r of results) if (r && typeof r.id === 'string') list.append(resultItem(r));
        fill(ui.resultsSlot, list);
    } else {
        fill(ui.resultsSlot, total > 0 ? pastTheEnd(s, total, pages) : noResults(s, data));
    }
    fill(ui.pagesSlot, pagination(s, pages));
    const facets = Object.assign({}, data.facets || {});
    for (const [name, values] of others) if (values) facets[name] = values;
    renderFacets(s, facets, data.facets_estimated === true);
    // After the facets, whose labels (a meeting's title) the chips repeat.
    fill(ui.activeSlot, activeFilters(s));
}

// A search the API refused (kind 'client': say why, keep the filters so they
// can be changed) or could not run (the service is down).
function renderFailure(s, err) {
    if (err.kind !== 'client') {
        showDown();
        return;
    }
    ui.resultsSlot.removeAttribute('aria-busy');
    for (const slot of [ui.resultsSlot, ui.pagesSlot, ui.noticeSlot, ui.facetsSlot]) fill(slot);
    ui.status.textContent = 'The search could not be run.';
    showAlert(`This search could not be run: ${err.message}. Change the query or the `
        + 'filters and try again.');
    ui.filters.hidden = false;
    fill(ui.activeSlot, activeFilters(s));
}

export async function renderSearch(s, signal, focus) {
    syncControls(s);
    showSearchChrome(false);
    setTitle(s.q ? `\u201c${s.q}\u201d` : 'All documents');
    const feedHref = `/feed?${searchParams(s, { page: false, sort: false }).toString()}`.replace(/\?$/, '');
    setFollowFeed(feedHref);
    syncFilterButton(s);
    setFeedLink(feedHref);
    const slow = setTimeout(() => {
        ui.status.textContent = 'Searching\u2026';
        ui.resultsSlot.setAttribute('aria-busy', 'true');
    }, 300);
    let data;
    let others;
    try {
        [data, others] = await Promise.all([
            getJSON(`/search?${searchParams(s, { api: true }).toString()}`, signal),
            facetCounts(s, signal),
        ]);
    } catch (err) {
        clearTimeout(slow);
        if (isAbort(err)) return;
        renderFailure(s, err);
        focusAfter(focus === 'view' ? null : focus);
        return;
    }
    clearTimeout(slow);
    clearAlert();
    ui.resultsSlot.removeAttribute('aria-busy');
    renderAnswer(s, data, others);
    focusAfter(focus);
}
