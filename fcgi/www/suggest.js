// suggest.js - completions under the search box, from GET /suggest
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The search box is an ARIA combobox (index.html) controlling the listbox
// #suggestions; the focus stays in the box while arrows move the active option.

import { clear, el } from './dom.js';
import { getJSON, isAbort } from './api.js';
import { ui } from './page.js';

const SUGGEST_DELAY_MS = 150;

// onChoose: what picking a completion does, once the box holds it.
const suggest = { timer: 0, controller: null, items: [], active: -1, onChoose: null };

export function closeSuggestions() {
    clearTimeout(suggest.timer);
    if (suggest.controller) suggest.controller.abort();
    suggest.controller = null;
    suggest.items = [];
    suggest.active = -1;
    if (!ui.suggestions) return;
    clear(ui.suggestions);
    ui.suggestions.hidden = true;
    ui.q.setAttribute('aria-expanded', 'false');
    ui.q.removeAttribute('aria-activedescendant');
}

function showSuggestions(items) {
    clear(ui.suggestions);
    suggest.items = items;
    suggest.active = -1;
    ui.q.removeAttribute('aria-activedescendant');
    if (!items.length) {
        ui.suggestions.hidden = true;
        ui.q.setAttribute('aria-expanded', 'false');
        return;
    }
    items.forEach((text, i) => {
        const option = el('li', { role: 'option', id: `suggestion-${i}`, 'aria-selected': 'false',
            class: 'suggestion', dir: 'auto' }, text);
        // Keep the focus in the input while the pointer picks an option.
        option.addEventListener('mousedown', (ev) => ev.preventDefault());
        option.addEventListener('click', () => chooseSuggestion(i));
        ui.suggestions.append(option);
    });
    ui.suggestions.hidden = false;
    ui.q.setAttribute('aria-expanded', 'true');
}

function setActiveSuggestion(index) {
    const options = ui.suggestions.querySelectorAll('[role="option"]');
    suggest.active = index;
    options.forEach((option, i) => {
        const on = i === index;
        option.setAttribute('aria-selected', on ? 'true' : 'false');
        option.classList.toggle('active', on);
        if (on) option.scrollIntoView({ block: 'nearest' });
    });
    if (index >= 0 && options[index]) ui.q.setAttribute('aria-activedescendant', options[index].id);
    else ui.q.removeAttribute('aria-activedescendant');
}

function chooseSuggestion(index) {
    const text = suggest.items[index];
    if (typeof text !== 'string') return;
    ui.q.value = text;
    closeSuggestions();
    suggest.onChoose();
}

async function fetchSuggestions(value) {
    if (suggest.controller) suggest.controller.abort();
    const controller = new AbortController();
    suggest.controller = controller;
    try {
        const data = await getJSON(`/suggest?q=${encodeURIComponent(value)}`, controller.signal);
        if (controller !== suggest.controller || ui.q.value !== value
            || document.activeElement !== ui.q) return;
        const items = (Array.isArray(data.suggestions) ? data.suggestions : [])
            .filter((x) => typeof x === 'string' && x !== '');
        showSuggestions(items);
    } catch (err) {
        // Completions are a convenience: on any error simply show none.
        if (!isAbort(err) && controller === suggest.controller) showSuggestions([]);
    }
}

function onQueryInput() {
    clearTimeout(suggest.timer);
    const value = ui.q.value;
    if (value.trim().length < 2 || /\s$/.test(value)) {
        if (suggest.controller) suggest.controller.abort();
        showSuggestions([]);
        return;
    }
    suggest.timer = setTimeout(() => fetchSuggestions(value), SUGGEST_DELAY_MS);
}

function onQueryKeydown(ev) {
    const open = !ui.suggestions.hidden && suggest.items.length > 0;
    const n = suggest.items.length;
    switch (ev.key) {
    case 'ArrowDown':
        if (!open) return;
        ev.preventDefault();
        setActiveSuggestion(suggest.active + 1 >= n ? 0 : suggest.active + 1);
        break;
    case 'ArrowUp':
        if (!open) return;
        ev.preventDefault();
        setActiveSuggestion(suggest.active <= 0 ? n - 1 : suggest.active - 1);
        break;
    case 'Enter':
        if (open && suggest.active >= 0) {
            ev.preventDefault();
            chooseSuggestion(suggest.active);
        }
        break;
    case 'Escape':
        if (open) {
            ev.preventDefault();
            closeSuggestions();
        }
        break;
    default:
        break;
    }
}

// Listen to the search box; `onChoose` runs when a completion is picked.
export function initSuggestions(onChoose) {
    suggest.onChoose = onChoose;
    ui.q.addEventListener('input', onQueryInput);
    ui.q.addEventListener('keydown', onQueryKeydown);
    ui.q.addEventListener('blur', closeSuggestions);
}
