// facetlong.js - long filter lists: a box that narrows the values, and "Show more"
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// A facet with more than LONG values (countries, meetings) shows its first
// SHOWN (the most frequent, as the API orders them) and the ticked ones, a
// "Show N more" button for the rest, and a box: typing in it shows just the
// values containing what was typed, case and accents aside ("cote" finds
// "Côte d'Ivoire"). What was expanded or typed is kept while the filters
// are drawn again after a change. Works on the fieldsets facets.js draws;
// names no field.

import { el } from './dom.js';

const SHOWN = 8;
const LONG = 10; // not worth folding away fewer than three values
const expanded = new Set(); // fields whose values are all shown
const typed = new Map(); // field -> what its box holds

function fold(text) {
    return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function valueText(li) {
    const text = li.querySelector('.facet-text bdi') || li;
    return fold(text.textContent);
}

function update(name, items, more) {
    const wanted = fold((typed.get(name) || '').trim());
    const open = expanded.has(name);
    let folded = 0;
    items.forEach((li, i) => {
        const box = li.querySelector('input[type="checkbox"]');
        const show = wanted ? valueText(li).includes(wanted)
            : open || i < SHOWN || (box && box.checked);
        li.hidden = !show;
        if (!show && !wanted) folded++;
    });
    more.hidden = Boolean(wanted) || (!open && folded === 0);
    more.textContent = open ? 'Show fewer' : `Show ${folded} more`;
    more.setAttribute('aria-expanded', String(open));
}

// Give `fieldset` (a facet of facets.js) a filter box and "Show more" when
// it has more than LONG values.
export function enhanceLongFacet(fieldset) {
    const list = fieldset.querySelector('ul.facet-values');
    const items = list ? [...list.children] : [];
    const name = fieldset.dataset.field || '';
    if (items.length <= LONG || !name) return;
    const legend = fieldset.querySelector('legend');
    const what = legend ? legend.textContent : name;
    list.id = `facet-values-${name}`;
    const input = el('input', { type: 'search', id: `facet-filter-${name}`, class: 'facet-filter',
        autocomplete: 'off', spellcheck: 'false', 'aria-controls': list.id,
        placeholder: 'Type to narrow' });
    input.value = typed.get(name) || '';
    const more = el('button', { type: 'button', class: 'button facet-more', 'aria-controls': list.id });
    input.addEventListener('input', () => {
        typed.set(name, input.value);
        update(name, items, more);
    });
    more.addEventListener('click', () => {
        if (expanded.has(name)) expanded.delete(name);
        else expanded.add(name);
        update(name, items, more);
    });
    list.before(el('label', { for: input.id, class: 'visually-hidden' }, `Find a ${what.toLowerCase()}`),
        input);
    list.after(more);
    update(name, items, more);
}
