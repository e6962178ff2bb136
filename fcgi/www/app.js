// app.js - the migsearch search page: the entry module, navigation and controls
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Plain ES modules, no build step and no libraries: nginx serves these files
// as they are (index.html loads this one with <script type="module">). The
// address is the whole state of the page (state.js), so every view can be
// bookmarked and shared; each change is a pushState and popstate re-renders
// from the address. Everything shown comes from the JSON API of docs/api.md,
// the filter fields too (schema.js, from GET /schema, fetched once before
// the first view). The DOM is built with createElement/textContent (dom.js);
// the one exception is snippet HTML, which the API escapes and marks up
// itself (only <mark>) and documents as safe to insert as element content.
// No inline scripts, handlers or styles anywhere, so a strict CSP
// (default-src 'self') holds.
//
// The modules, each with one job:
//   app.js       this file: render the view of the address, navigation, controls
//   schema.js    GET /schema: the filter fields, their legends and parameters
//   state.js     the page state <-> the address and the API's parameters
//   api.js       fetch, and what a failure means (down or refused)
//   page.js      the elements of index.html, alert, title, focus
//   results.js   the search view: status, results, notices, pages
//   facets.js    the filters: fieldsets of counted values, the chips
//   document.js  the document view: metadata, text, citation, related
//   views.js     the meeting and country views: the status tables
//   text.js      a full text in paragraphs, with the query's words marked
//   suggest.js   completions under the search box
//   dom.js       building nodes; dates, languages and directions

import { plainClick } from './dom.js';
import { loadSchema } from './schema.js';
import { emptySearch, readState, stateUrl, withChanges } from './state.js';
import { bindUi, clearAlert, focusAfter, setFeedLink, setTitle, showDocChrome, showDown,
    showSearchChrome, syncControls, ui } from './page.js';
import { renderSearch } from './results.js';
import { renderDoc, renderDocProblem } from './document.js';
import { renderView } from './views.js';
import { closeSuggestions, initSuggestions } from './suggest.js';
import { focusAfterFilter, initFilterPanel } from './filterpanel.js';
import { initFollow } from './follow.js';
import { renderBrowse } from './browse.js';

let inflight = null; // the AbortController of the view being loaded

// Without /schema the page cannot read its filters: as when the API is down.
function renderNoSchema(s, focus) {
    if (s.view === 'doc') {
        showDocChrome();
        renderDocProblem(s.id || '', { kind: 'down' });
        focusAfter(focus);
        return;
    }
    syncControls(s);
    showSearchChrome(s.view === 'home');
    setTitle('');
    setFeedLink(null);
    showDown();
    focusAfter(focus === 'view' ? null : focus);
}

// Show the view of the address; `focus` as for focusAfter (page.js).
async function render(focus) {
    if (inflight) inflight.abort();
    const controller = new AbortController();
    inflight = controller;
    closeSuggestions();
    let schemaFailed = false;
    await loadSchema().catch(() => {
        schemaFailed = true;
    });
    if (controller !== inflight) return; // a newer view is on its way
    const s = readState(location.search);
    if (schemaFailed) {
        renderNoSchema(s, focus);
        return;
    }
    if (s.view === 'doc') {
        await renderDoc(s, controller.signal, focus);
        return;
    }
    if (s.view === 'meeting' || s.view === 'country') {
        await renderView(s, controller.signal, focus);
        return;
    }
    clearAlert();
    if (s.view === 'home') {
        syncControls(s);
        showSearchChrome(true);
        setTitle('');
        setFeedLink(null);
        focusAfter(focus === 'view' ? null : focus);
        if (focus === 'view') ui.q.focus();
        renderBrowse(controller.signal);
        return;
    }
    await renderSearch(s, controller.signal, focus);
}

function navigate(url, state, focus) {
    // A link to the page being shown (the permalink) reloads it in place and
    // keeps its history state (the results it was opened from).
    if (url === location.pathname + location.search) history.replaceState(history.state, '', url);
    else history.pushState(state || {}, '', url);
    render(focus === undefined ? 'view' : focus);
}

// The history state of a move to `url`: a document view remembers the query
// (for highlighting) and the results it was opened from, so "Back to results"
// can go back the right number of steps.
function stateFor(url) {
    const target = readState(url.search);
    if (target.view !== 'doc') return {};
    const current = readState(location.search);
    const hs = history.state || {};
    if (current.view === 'doc') {
        return { q: typeof hs.q === 'string' ? hs.q : current.q || '',
            resultsUrl: hs.resultsUrl, depth: (Number(hs.depth) || 0) + 1 };
    }
    if (current.view === 'search') {
        return { q: current.q, resultsUrl: location.pathname + location.search, depth: 1 };
    }
    return {};
}

function onDocumentClick(ev) {
    if (ev.defaultPrevented || !plainClick(ev)) return;
    const a = ev.target.closest('a[href]');
    if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname !== '/' || url.hash) return;
    ev.preventDefault();
    navigate(url.pathname + url.search, stateFor(url));
}

// A new query keeps the filters of the search shown; the address is read with
// the schema's fields, so a search sent before they arrive waits for them.
async function submitSearch() {
    closeSuggestions();
    const q = ui.q.value.trim();
    await loadSchema().catch(() => null);
    const current = readState(location.search);
    const base = current.view === 'search' ? current : emptySearch();
    navigate(stateUrl(withChanges(base, { q, page: 1 })), {});
}

function currentSearch() {
    const s = readState(location.search);
    return s.view === 'search' ? s : emptySearch();
}

function onFacetChange(ev) {
    const box = ev.target;
    if (!(box instanceof HTMLInputElement) || box.type !== 'checkbox' || !box.dataset.param) return;
    const s = currentSearch();
    const values = s.filters[box.dataset.param];
    if (!values) return;
    const next = withChanges(s, { page: 1 });
    next.filters[box.dataset.param] = box.checked
        ? [...new Set([...values, box.value])] : values.filter((v) => v !== box.value);
    navigate(stateUrl(next), {},
        focusAfterFilter({ facet: { param: box.dataset.param, value: box.value } }));
}

function onChipClick(ev) {
    const button = ev.target.closest('button.chip');
    if (!button) return;
    const chips = [...ui.activeSlot.querySelectorAll('button.chip')];
    const index = chips.indexOf(button);
    const s = currentSearch();
    const param = button.dataset.remove;
    const next = withChanges(s, { page: 1 });
    if (param === 'from' || param === 'to') next[param] = '';
    else if (next.filters[param]) next.filters[param] = next.filters[param].filter((v) => v !== button.dataset.value);
    navigate(stateUrl(next), {}, { chipIndex: index });
}

function onSortChange() {
    const s = currentSearch();
    navigate(stateUrl(withChanges(s, { sort: ui.sort.value, page: 1 })), {}, 'keep');
}

function onDatesSubmit(ev) {
    ev.preventDefault();
    const from = ui.from.value.trim();
    const to = ui.to.value.trim();
    const bad = [];
    if (from && !/^\d{4}$/.test(from)) bad.push(ui.from);
    if (to && !/^\d{4}$/.test(to)) bad.push(ui.to);
    for (const input of [ui.from, ui.to]) {
        if (bad.includes(input)) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
    }
    if (bad.length) {
        ui.datesError.textContent = 'Enter a year of four digits, for example 2001.';
        ui.datesError.hidden = false;
        bad[0].focus();
        return;
    }
    if (from && to && Number(from) > Number(to)) {
        ui.datesError.textContent = '\u201cFrom year\u201d must not be after \u201cTo year\u201d.';
        ui.datesError.hidden = false;
        ui.from.setAttribute('aria-invalid', 'true');
        ui.from.focus();
        return;
    }
    ui.datesError.hidden = true;
    const s = currentSearch();
    navigate(stateUrl(withChanges(s, { from, to, page: 1 })), {}, focusAfterFilter('keep'));
}

function onSkipLink(ev) {
    ev.preventDefault();
    if (!ui.docView.hidden) {
        const h1 = ui.docView.querySelector('h1');
        if (h1) {
            h1.focus();
            return;
        }
    }
    if (!ui.resultsArea.hidden && !ui.searchView.hidden) ui.status.focus();
    else ui.main.focus();
}

function start() {
    bindUi();
    ui.form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        submitSearch();
    });
    initSuggestions(submitSearch);
    initFilterPanel();
    initFollow();
    ui.facetsSlot.addEventListener('change', onFacetChange);
    ui.activeSlot.addEventListener('click', onChipClick);
    ui.sort.addEventListener('change', onSortChange);
    ui.datesForm.addEventListener('submit', onDatesSubmit);
    ui.skipLink.addEventListener('click', onSkipLink);
    document.addEventListener('click', onDocumentClick);
    window.addEventListener('popstate', () => render('view'));
    render(null);
}

start();
