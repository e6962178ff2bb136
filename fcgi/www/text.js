// text.js - a document's full text: paragraphs, pages and the query's words marked
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT

import { el } from './dom.js';

const OPERATORS = new Set(['AND', 'OR', 'NOT', 'XOR', 'NEAR', 'ADJ']);
const SUFFIXES = ['ations', 'ation', 'ings', 'ing', 'ies', 'ied', 'es', 'ed', 's', 'ly'];
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

// A rough English stem, only for highlighting: the server stems properly,
// the page just has to mark the words that made a document match.
function stem(word) {
    for (const suffix of SUFFIXES) {
        if (word.endsWith(suffix) && word.length - suffix.length >= 5) {
            return word.slice(0, -suffix.length);
        }
    }
    return word;
}

// A regular expression matching the words of a query in a text, or null.
// Excluded words (-word), operators and filter values (country:X) are left out;
// title:word counts.
export function highlighter(q) {
    if (!q) return null;
    const words = [];
    const cjk = [];
    const token = /([+-]?)(?:([\p{L}_]+):)?("[^"]*"?|[^\s"]+)/gu;
    for (const m of q.matchAll(token)) {
        if (m[1] === '-' || (m[2] && m[2].toLowerCase() !== 'title')) continue;
        for (const w of m[3].matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*\*?/gu)) {
            let word = w[0];
            if (OPERATORS.has(word)) continue;
            const wildcard = word.endsWith('*');
            word = word.replace(/\*$/, '').toLowerCase();
            if (word.length < 2 || (/^\p{N}+$/u.test(word) && word.length < 4)) continue;
            if (CJK.test(word)) cjk.push(word);
            else words.push(wildcard ? word : stem(word));
        }
    }
    const escape = (w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const parts = [];
    if (words.length) {
        const alternatives = [...new Set(words)].sort((a, b) => b.length - a.length).map(escape);
        parts.push(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})[\\p{L}\\p{N}]*`);
    }
    if (cjk.length) parts.push([...new Set(cjk)].map(escape).join('|'));
    return parts.length ? new RegExp(parts.join('|'), 'giu') : null;
}

// Text as nodes, with the matches of `re` in <mark>. Returns the number of marks.
export function appendHighlighted(parent, text, re) {
    if (!re) {
        parent.append(text);
        return 0;
    }
    let last = 0;
    let count = 0;
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
        if (m[0] === '') continue;
        if (m.index > last) parent.append(text.slice(last, m.index));
        parent.append(el('mark', {}, m[0]));
        last = m.index + m[0].length;
        count += 1;
    }
    if (last < text.length) parent.append(text.slice(last));
    return count;
}

// Extracted text keeps the hard line breaks of its source (PDF lines, wrapped
// Markdown). Lines are joined back into paragraphs where the previous line was
// long (a wrapped line) and the next does not start a list item or a numbered
// heading; blank lines separate paragraphs. Returns an array of paragraphs, each
// an array of lines to show with line breaks between them.
function paragraphs(text) {
    const out = [];
    for (const block of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n+/)) {
        const lines = [];
        let previous = '';
        for (const raw of block.split('\n')) {
            const line = raw.trim();
            if (!line) continue;
            const starts = /^([-*•–·>#]|\d+[.)](\s|$)|[a-z][.)]\s)/u.test(line);
            if (lines.length && previous.length >= 60 && !starts) {
                lines[lines.length - 1] += ` ${line}`;
            } else {
                lines.push(line);
            }
            previous = line;
        }
        if (lines.length) out.push(lines);
    }
    return out;
}

// The full text: pages (split at form feeds, as the indexer extracts PDFs) of
// paragraphs, with the query's words marked.
export function renderText(container, text, re) {
    const pages = text.split('\f');
    let marks = 0;
    pages.forEach((page, i) => {
        if (pages.length > 1) {
            container.append(el('p', { class: 'page-mark', id: `text-page-${i + 1}`, lang: 'en', dir: 'ltr' },
                `Page ${i + 1}`));
        }
        for (const lines of paragraphs(page)) {
            const p = el('p');
            lines.forEach((line, j) => {
                if (j > 0) p.append(el('br'));
                marks += appendHighlighted(p, line, re);
            });
            container.append(p);
        }
    });
    return marks;
}
