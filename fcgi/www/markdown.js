// markdown.js - a Markdown document's source as nodes: headings, lists, tables, emphasis
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The document view renders what staff wrote (GET /doc/{id} sends the source
// as `markdown`) instead of the plain text the index holds. Everything is
// built with el(): the document's text only ever becomes text nodes and
// attribute values, never markup, so raw HTML in a file (a <script>, an
// <img onerror>) is shown as the text it is. Links keep only http, https and
// mailto targets and addresses on this site; images show their description
// (the page loads nothing from elsewhere). The highest heading level is h3,
// under the view's "Text" (h2). The words of the query are marked as in plain text.
//
// The subset: ATX headings, paragraphs, bullet and numbered lists (nested
// by indentation), GitHub tables, block quotes, fenced code, thematic
// breaks; inline code, strong, emphasis, strikethrough, links, autolinks,
// backslash escapes.

import { el } from './dom.js';
import { appendHighlighted } from './text.js';

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( {0,12})([-*+]|\d{1,9}[.)])([ \t]+|$)/;
const SEPARATOR = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

// What is added to a Markdown heading's level: the document's highest
// level becomes h3 (renderMarkdown). And the tables rendered so far, which
// are named "Table 1", "Table 2"... Both set per document by renderMarkdown.
let shift = 2;
let tables = 0;

// Inline syntax, in the order tried at each place: an escape, a code span,
// an image, a link, an autolink, strong, emphasis (underscores only between
// words' edges, so IMP_AU_2004 stays as it is), strikethrough.
const INLINE = new RegExp([
    String.raw`\\([\\\x60*_{}\[\]()#+\-.!|~<>])`,
    String.raw`(\x60+)([^\x60]|[^\x60][\s\S]*?[^\x60])\2(?!\x60)`,
    String.raw`!\[([^\]]*)\]\(([^()\s]*)(?:\s+"[^"]*")?\)`,
    String.raw`\[((?:[^\[\]]|\[[^\]]*\])+)\]\(([^()\s]*)(?:\s+"[^"]*")?\)`,
    String.raw`<((?:https?:\/\/|mailto:)[^>\s]+)>`,
    String.raw`\*\*(?=\S)([\s\S]*?\S)\*\*`,
    String.raw`(?<![\p{L}\p{N}_])__(?=\S)([\s\S]*?\S)__(?![\p{L}\p{N}_])`,
    String.raw`\*(?=[^\s*])([\s\S]*?[^\s*])\*`,
    String.raw`(?<![\p{L}\p{N}_])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\p{L}\p{N}_])`,
    String.raw`~~(?=\S)([\s\S]*?\S)~~`,
].join('|'), 'gu');

// The target of a link if it is safe to follow: http, https, mailto, or an
// address without a scheme (on this site); null otherwise (javascript:,
// data:, vbscript:, and anything else with a scheme).
export function safeHref(target) {
    const url = String(target).trim();
    if (url === '' || url.startsWith('//')) return null;
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.replace(/[\u0000-\u0020]/g, ''));
    if (!scheme) return url;
    return ['http', 'https', 'mailto'].includes(scheme[1].toLowerCase()) ? url : null;
}

// Append the inline Markdown `text` to `parent`, the matches of `re` marked.
// Returns the number of marks.
function inline(parent, text, re) {
    let marks = 0;
    let last = 0;
    const plain = (s) => {
        if (s) marks += appendHighlighted(parent, s, re);
    };
    const nested = (tag, s, attrs) => {
        const node = el(tag, attrs || {});
        marks += inline(node, s, re);
        parent.append(node);
    };
    for (const m of text.matchAll(INLINE)) {
        plain(text.slice(last, m.index));
        last = m.index + m[0].length;
        if (m[1] !== undefined) plain(m[1]);
        else if (m[3] !== undefined) parent.append(el('code', {}, m[3]));
        else if (m[4] !== undefined) {
            parent.append(el('span', { class: 'md-image' }, m[4] ? `[${m[4]}]` : '[image]'));
        } else if (m[6] !== undefined) {
            const href = safeHref(m[7]);
            if (href) nested('a', m[6], { href, rel: 'nofollow noopener noreferrer' });
            else nested('span', m[6]);
        } else if (m[8] !== undefined) {
            const node = el('a', { href: m[8], rel: 'nofollow noopener noreferrer' });
            marks += appendHighlighted(node, m[8], re);
            parent.append(node);
        } else if (m[9] !== undefined || m[10] !== undefined) nested('strong', m[9] ?? m[10]);
        else if (m[11] !== undefined || m[12] !== undefined) nested('em', m[11] ?? m[12]);
        else if (m[13] !== undefined) nested('del', m[13]);
    }
    plain(text.slice(last));
    return marks;
}

// The cells of a table row, split at pipes that are not escaped.
function cells(line) {
    let row = line.trim();
    if (row.startsWith('|')) row = row.slice(1);
    if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
    const out = [];
    let cell = '';
    for (let i = 0; i < row.length; i += 1) {
        if (row[i] === '\\' && row[i + 1] === '|') {
            cell += '|';
            i += 1;
        } else if (row[i] === '|') {
            out.push(cell.trim());
            cell = '';
        } else {
            cell += row[i];
        }
    }
    out.push(cell.trim());
    return out;
}

function hasPipe(line) {
    return /(^|[^\\])\|/.test(line);
}

// Whether `line` starts a block other than a paragraph's next line.
function startsBlock(line, next) {
    return HEADING.test(line) || RULE.test(line) || FENCE.test(line) || QUOTE.test(line)
        || ITEM.test(line) || (hasPipe(line) && next !== undefined && SEPARATOR.test(next));
}

function indentOf(line) {
    return line.length - line.trimStart().length;
}

// A list starting at lines[i]: its items are the lines from each marker at
// the list's indentation up to the next; their contents, unindented, are
// blocks of their own (a nested list, more paragraphs). Returns [node, next i].
function list(lines, i, re, counter) {
    const first = ITEM.exec(lines[i]);
    const ordered = /\d/.test(first[2]);
    const indent = first[1].length;
    const start = ordered ? Number.parseInt(first[2], 10) : 1;
    const node = el(ordered ? 'ol' : 'ul', { start: ordered && start !== 1 ? start : null });
    while (i < lines.length) {
        const m = ITEM.exec(lines[i]);
        if (!m || m[1].length !== indent || /\d/.test(m[2]) !== ordered) break;
        const width = m[0].length;
        const body = [lines[i].slice(width)];
        i += 1;
        while (i < lines.length) {
            const line = lines[i];
            if (line.trim() === '') {
                const next = lines[i + 1];
                if (next === undefined || indentOf(next) <= indent) break;
                body.push('');
            } else if (indentOf(line) > indent) {
                body.push(line.slice(Math.min(indentOf(line), width)));
            } else if (startsBlock(line, lines[i + 1])) {
                break;
            } else {
                body.push(line); // a lazy continuation of the item's paragraph
            }
            i += 1;
        }
        const item = el('li');
        counter.marks += blocks(item, body, re);
        // A tight item: its one paragraph's content straight in the <li>.
        if (item.childNodes.length === 1 && item.firstChild.tagName === 'P') {
            item.replaceChildren(...item.firstChild.childNodes);
        }
        node.append(item);
    }
    return [node, i];
}

function table(lines, i, re, counter) {
    const head = cells(lines[i]);
    const body = el('tbody');
    i += 2;
    for (; i < lines.length && lines[i].trim() !== '' && hasPipe(lines[i]); i += 1) {
        const row = el('tr');
        for (const text of cells(lines[i])) {
            const cell = el('td');
            counter.marks += inline(cell, text, re);
            row.append(cell);
        }
        body.append(row);
    }
    const headRow = el('tr');
    for (const text of head) {
        const cell = el('th', { scope: 'col' });
        counter.marks += inline(cell, text, re);
        headRow.append(cell);
    }
    // On a phone a wide table scrolls in its box, which the keyboard must reach.
    tables += 1;
    return [el('div', { class: 'table-wrap', tabindex: '0', role: 'region',
        'aria-label': `Table ${tables}` },
    el('table', { class: 'md-table' }, el('thead', {}, headRow), body)), i];
}

// Render `lines` as blocks into `parent`; returns the number of marks.
function blocks(parent, lines, re) {
    const counter = { marks: 0 };
    let i = 0;
    while (i < lines.length) {
        const line = lines[i];
        let m;
        if (line.trim() === '') {
            i += 1;
        } else if ((m = FENCE.exec(line))) {
            const code = [];
            for (i += 1; i < lines.length && !lines[i].trimStart().startsWith(m[1]); i += 1) {
                code.push(lines[i]);
            }
            i += 1;
            const node = el('code');
            counter.marks += appendHighlighted(node, code.join('\n'), re);
            parent.append(el('pre', { class: 'md-code' }, node));
        } else if ((m = HEADING.exec(line))) {
            const node = el(`h${Math.min(m[1].length + shift, 6)}`, { class: 'md-heading' });
            counter.marks += inline(node, m[2] || '', re);
            parent.append(node);
            i += 1;
        } else if (RULE.test(line)) {
            parent.append(el('hr'));
            i += 1;
        } else if (QUOTE.test(line)) {
            const quoted = [];
            for (; i < lines.length && QUOTE.test(lines[i]); i += 1) {
                quoted.push(lines[i].replace(QUOTE, ''));
            }
            const node = el('blockquote');
            counter.marks += blocks(node, quoted, re);
            parent.append(node);
        } else if (ITEM.test(line)) {
            let node;
            [node, i] = list(lines, i, re, counter);
            parent.append(node);
        } else if (hasPipe(line) && i + 1 < lines.length && SEPARATOR.test(lines[i + 1])) {
            let node;
            [node, i] = table(lines, i, re, counter);
            parent.append(node);
        } else {
            const text = [line.trim()];
            for (i += 1; i < lines.length && lines[i].trim() !== ''
                && !startsBlock(lines[i], lines[i + 1]); i += 1) {
                text.push(lines[i].trim());
            }
            const node = el('p');
            counter.marks += inline(node, text.join(' '), re);
            parent.append(node);
        }
    }
    return counter.marks;
}

// Render the Markdown `source` into `container`, the matches of the
// highlighter `re` (text.js) marked. Returns the number of marks.
export function renderMarkdown(container, source, re) {
    const lines = String(source).replace(/\r\n?/g, '\n').split('\n');
    const levels = lines.map((line) => HEADING.exec(line)).filter(Boolean).map((m) => m[1].length);
    shift = 3 - (levels.length ? Math.min(...levels) : 1);
    tables = 0;
    return blocks(container, lines, re);
}
