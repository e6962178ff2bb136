// page.js - the parts of index.html every view uses: slots, alert, title, focus
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT

import { byId, clear, el } from './dom.js';

export const SERVICE_DOWN =
    'The search service is not available right now. Please try again in a few minutes.';
const SITE = 'Migration archive search';

// The elements of index.html, by job; filled by bindUi() at start.
export const ui = {};

export function bindUi() {
    Object.assign(ui, {
        main: byId('main'), q: byId('q'), searchHeading: byId('search-view-title'),
        form: byId('search-form'), suggestions: byId('suggestions'), alertSlot: byId('alert-slot'),
        searchView: byId('search-view'), intro: byId('intro'), resultsArea: byId('results-area'),
        status: byId('results-status'), sort: byId('sort'), activeSlot: byId('active-filters-slot'),
        noticeSlot: byId('notice-slot'), resultsSlot: byId('results-slot'),
        pagesSlot: byId('pages-slot'), docView: byId('doc-view'),
        filters: byId('filters'), facetsSlot: byId('facets-slot'), datesForm: byId('dates-form'),
        from: byId('from'), to: byId('to'), datesError: byId('dates-error'),
        skipLink: byId('skip-link'),
    });
}

export function showAlert(text) {
    clear(ui.alertSlot);
    ui.alertSlot.append(el('div', { role: 'alert', class: 'alert' }, el('p', {}, text)));
}

export function clearAlert() {
    clear(ui.alertSlot);
}

export function setTitle(text) {
    document.title = text ? `${text} \u2013 ${SITE}` : SITE;
}

export function setFeedLink(href) {
    let link = document.querySelector('link[rel="alternate"][type="application/atom+xml"]');
    if (!href) {
        if (link) link.remove();
        return;
    }
    if (!link) {
        link = el('link', { rel: 'alternate', type: 'application/atom+xml',
            title: 'This search (Atom feed)' });
        document.head.append(link);
    }
    link.setAttribute('href', href);
}

// What syncControls last wrote into the search box ('' as the page loads).
let syncedQuery = '';

// The search box, sort and dates show the state `s`. What someone is typing
// in the search box is not overwritten: a view may be drawn after a wait (the
// first one waits for /schema), and the typing then is newer than the view.
export function syncControls(s) {
    ui.sort.value = s.sort;
    ui.from.value = s.from;
    ui.to.value = s.to;
    ui.datesError.hidden = true;
    ui.from.removeAttribute('aria-invalid');
    ui.to.removeAttribute('aria-invalid');
    const typing = document.activeElement === ui.q && ui.q.value !== syncedQuery;
    if (!typing && ui.q.value !== s.q) ui.q.value = s.q;
    syncedQuery = ui.q.value;
}

// The search view, with the intro (`home`) or the results area.
export function showSearchChrome(home) {
    // One h1 per view: the search view's (visually hidden) heading leaves the
    // DOM while a document, whose title is the h1, is shown.
    if (!ui.searchHeading.isConnected) ui.searchView.prepend(ui.searchHeading);
    ui.searchView.hidden = false;
    ui.docView.hidden = true;
    clear(ui.docView);
    ui.intro.hidden = !home;
    ui.resultsArea.hidden = home;
    ui.filters.hidden = home;
}

// The document view, in place of the search view.
export function showDocChrome() {
    ui.searchView.hidden = true;
    ui.searchHeading.remove();
    ui.filters.hidden = true;
    ui.docView.hidden = false;
    setFeedLink(null);
}

// The search view when the service is down: the alert, nothing stale.
export function showDown() {
    for (const slot of [ui.resultsSlot, ui.pagesSlot, ui.noticeSlot, ui.activeSlot,
        ui.facetsSlot]) clear(slot);
    ui.resultsSlot.removeAttribute('aria-busy');
    ui.status.textContent = '';
    ui.resultsArea.hidden = true;
    ui.filters.hidden = true;
    showAlert(SERVICE_DOWN);
}

// Move the focus after a render: 'view' to the view's heading or status, a
// facet {param, value} to its checkbox, {chipIndex} to a remaining chip;
// 'keep' (the control that changed was not re-rendered) and null do nothing.
export function focusAfter(focus) {
    if (!focus || focus === 'keep') return;
    if (focus === 'view') {
        const target = !ui.docView.hidden ? ui.docView.querySelector('h1')
            : !ui.resultsArea.hidden ? ui.status : ui.main;
        if (target) target.focus();
        return;
    }
    if (focus.facet) {
        const boxes = ui.facetsSlot.querySelectorAll('input[type="checkbox"]');
        for (const box of boxes) {
            if (box.dataset.param === focus.facet.param && box.value === focus.facet.value) {
                box.focus();
                return;
            }
        }
        ui.status.focus();
        return;
    }
    if (focus.chipIndex !== undefined) {
        const chips = ui.activeSlot.querySelectorAll('button.chip');
        const target = chips[Math.min(focus.chipIndex, chips.length - 1)];
        (target || ui.status).focus();
    }
}
