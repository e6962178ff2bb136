// dom.js - building nodes, and how dates, languages and directions are shown
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The DOM is built with createElement/textContent only: attributes through
// setAttribute (never `style` or `on*`), so a strict CSP (default-src 'self')
// holds. Nothing here knows the page or the API.

// Languages written right to left (primary subtags).
const RTL_LANGS = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ks', 'ps', 'sd', 'ug',
    'ur', 'yi']);
const RTL_SCRIPT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];

// el('a', {href: '/', class: 'x'}, 'text', otherNode): attributes are set with
// setAttribute, children appended as text or nodes, arrays of them at any depth
// in order; null, undefined and false are left out of both.
export function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
        if (value === null || value === undefined || value === false) continue;
        node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
        if (child === null || child === undefined || child === false) continue;
        node.append(child instanceof Node ? child : String(child));
    }
    return node;
}

export function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
}

// Empty `slot`, then fill it with `nodes` (null ones left out).
export function fill(slot, ...nodes) {
    clear(slot);
    for (const node of nodes.flat()) if (node) slot.append(node);
}

export function byId(id) {
    return document.getElementById(id);
}

export function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
}

// "2001-06-14" -> "14 June 2001", "2003-12" -> "December 2003", "2003" -> "2003";
// anything else is shown as given.
export function formatDate(date) {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date || '');
    if (!m) return date || '';
    const month = m[2] ? Number(m[2]) : 0;
    if (m[2] && (month < 1 || month > 12)) return date;
    if (m[3]) return `${Number(m[3])} ${MONTHS[month - 1]} ${m[1]}`;
    if (m[2]) return `${MONTHS[month - 1]} ${m[1]}`;
    return m[1];
}

export function timeEl(date) {
    return el('time', { datetime: /^\d{4}(-\d{2}){0,2}$/.test(date) ? date : null },
        formatDate(date));
}

// A language attribute only for what looks like a language tag.
export function langAttr(language) {
    return typeof language === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language)
        ? language : null;
}

// Direction from the document language, or from its script when the language is
// unknown: Arabic text reads right to left even without a language field.
export function directionOf(language, sample) {
    const primary = (langAttr(language) || '').split('-')[0].toLowerCase();
    if (primary) return RTL_LANGS.has(primary) ? 'rtl' : 'ltr';
    return RTL_SCRIPT.test(sample || '') ? 'rtl' : 'auto';
}

// The direction of a text from its first letter, as dir="auto" would find it.
// For a block (an h2) holding an inline element with dir="auto": auto on the
// block itself would skip that element and find nothing.
export function textDirection(text) {
    const m = /\p{L}/u.exec(text || '');
    return m && RTL_SCRIPT.test(m[0]) ? 'rtl' : 'ltr';
}

// A quoted user text, isolated so that its direction cannot reorder the
// English sentence around it.
export function quoted(text) {
    return [el('span', { 'aria-hidden': 'true' }, '\u201c'), el('bdi', {}, text),
        el('span', { 'aria-hidden': 'true' }, '\u201d')];
}

// True for a plain left click, which the page handles itself; a click with a
// modifier (new tab, new window, download) is left to the browser.
export function plainClick(ev) {
    return ev.button === 0 && !ev.metaKey && !ev.ctrlKey && !ev.shiftKey && !ev.altKey;
}
