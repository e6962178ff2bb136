// filterpanel.js - the filters on a narrow screen: "Filters (n)" opens them
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Below the two-column width (style.css) the filters would sit after every
// result, thousands of pixels down a phone. There they are hidden behind a
// "Filters (n)" button at the top of the results (n: filters in use), which
// shows them above the results; a change of filter closes them again and
// brings the results, with the focus on their status line, back into view.
// On a wide screen the buttons are not displayed and nothing here acts.

import { byId } from './dom.js';
import { ui } from './page.js';

function toggle() {
    return byId('filters-toggle');
}

// Whether the page is laid out for a narrow screen: the button is shown.
function narrow() {
    return getComputedStyle(toggle()).display !== 'none';
}

function setOpen(open) {
    byId('layout').classList.toggle('filters-open', open);
    toggle().setAttribute('aria-expanded', String(open));
}

// The number of filters (values and years) the search `s` uses.
export function syncFilterButton(s) {
    let n = (s.from ? 1 : 0) + (s.to ? 1 : 0);
    for (const values of Object.values(s.filters || {})) n += values.length;
    toggle().textContent = `Filters (${n})`;
}

// After a filter changed: on a narrow screen, close the filters and return
// the focus for the new results ('view', their status line, which also
// scrolls them into view); elsewhere return `focus` unchanged.
export function focusAfterFilter(focus) {
    if (!narrow()) return focus;
    setOpen(false);
    return 'view';
}

export function initFilterPanel() {
    toggle().addEventListener('click', () => {
        const open = !byId('layout').classList.contains('filters-open');
        setOpen(open);
        if (open) {
            ui.filters.scrollIntoView({ block: 'start' });
            byId('filters-done').focus({ preventScroll: true });
        }
    });
    byId('filters-done').addEventListener('click', () => {
        setOpen(false);
        toggle().focus();
    });
}
