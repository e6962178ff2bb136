// labels.js - what people read for a value: language names, meeting titles
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Values are keys ("fr", "ikd-2001-bishkek"); the page shows their names.
// Language names come from GET /schema's languages table (schema.js); any
// other value's name from the API itself: a facet row's `label`, a result's
// or document's `meeting_title`. The names seen in facet rows are kept, so
// that an active filter's chip says the same as its checkbox. Without a name,
// the value is shown as it is.

import { languageLabel } from './schema.js';

const seen = new Map(); // "field\u0000value" -> label

function text(value) {
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

// Keep the labels of the facet rows `values` of the field `name`.
export function rememberLabels(name, values) {
    for (const item of Array.isArray(values) ? values : []) {
        if (item && typeof item.value === 'string' && text(item.label)) {
            seen.set(`${name}\u0000${item.value}`, text(item.label));
        }
    }
}

// The name of `value` of the field `name` (a facet row's label if `item`
// has one).
export function valueLabel(name, value, item) {
    const own = item ? text(item.label) : null;
    if (own) return own;
    if (name === 'language') return languageLabel(value) || value;
    return seen.get(`${name}\u0000${value}`) || value;
}

// The name of a result's or document's meeting: its title when the API gives
// one, else its id; null without a meeting.
export function meetingLabel(doc) {
    if (!doc || !text(doc.meeting)) return null;
    return text(doc.meeting_title) || valueLabel('meeting', doc.meeting);
}

// The name of a document's language, or null.
export function languageName(code) {
    return text(code) ? languageLabel(code) || code : null;
}
