// app.js - the migsearch search page: URL state, API calls, rendering
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Plain ES2020, no build step and no libraries: nginx serves this file as is.
// The address is the whole state of the page (`/?q=...&country=...&page=2`,
// `/?doc=<id>`), so every view can be bookmarked and shared; each change is a
// pushState and popstate re-renders from the address. Everything shown comes from
// the JSON API of docs/api.md. The DOM is built with createElement/textContent;
// the one exception is snippet HTML, which the API escapes and marks up itself
// (only <mark>) and documents as safe to insert as element content.
// No inline handlers or styles anywhere, so a strict CSP (default-src 'self') holds.
'use strict';

(() => {
    // The filter fields, in the order the page shows them. `key` is the name in
    // the API's `facets` object, `param` the URL and API parameter.
    const FIELDS = [
        { key: 'type', param: 'type', legend: 'Type' },
        { key: 'process', param: 'process', legend: 'Process' },
        { key: 'meeting', param: 'meeting', legend: 'Meeting' },
        { key: 'year', param: 'year', legend: 'Year' },
        { key: 'country', param: 'country', legend: 'Country' },
        { key: 'theme', param: 'theme', legend: 'Theme' },
        { key: 'status', param: 'status', legend: 'Implementation status' },
        { key: 'language', param: 'lang', legend: 'Language' },
    ];
    const SORTS = ['relevance', 'newest', 'oldest'];
    const SERVICE_DOWN =
        'The search service is not available right now. Please try again in a few minutes.';
    const SITE = 'Migration archive search';
    const SUGGEST_DELAY_MS = 150;
    const SIMILAR_COUNT = 5;
    // Languages written right to left (primary subtags).
    const RTL_LANGS = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ks', 'ps', 'sd', 'ug',
        'ur', 'yi']);
    const RTL_SCRIPT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
    const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
        'September', 'October', 'November', 'December'];

    const byId = (id) => document.getElementById(id);
    const ui = {};

    // ---------------------------------------------------------------- helpers

    // el('a', {href: '/', class: 'x'}, 'text', otherNode): attributes are set with
    // setAttribute (never `style` or `on*`), children appended as text or nodes.
    function el(tag, attrs, ...children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attrs || {})) {
            if (value === null || value === undefined || value === false) continue;
            node.setAttribute(name, value === true ? '' : String(value));
        }
        for (const child of children.flat()) {
            if (child === null || child === undefined || child === false) continue;
            node.append(child instanceof Node ? child : String(child));
        }
        return node;
    }

    function clear(node) {
        while (node.firstChild) node.removeChild(node.firstChild);
    }

    function plural(n, one, many) {
        return `${n} ${n === 1 ? one : many}`;
    }

    // "2001-06-14" -> "14 June 2001", "2003-12" -> "December 2003", "2003" -> "2003";
    // anything else is shown as given.
    function formatDate(date) {
        const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date || '');
        if (!m) return date || '';
        const month = m[2] ? Number(m[2]) : 0;
        if (m[2] && (month < 1 || month > 12)) return date;
        if (m[3]) return `${Number(m[3])} ${MONTHS[month - 1]} ${m[1]}`;
        if (m[2]) return `${MONTHS[month - 1]} ${m[1]}`;
        return m[1];
    }

    function timeEl(date) {
        return el('time', { datetime: /^\d{4}(-\d{2}){0,2}$/.test(date) ? date : null },
            formatDate(date));
    }

    // A language attribute only for what looks like a language tag.
    function langAttr(language) {
        return typeof language === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language)
            ? language : null;
    }

    // Direction from the document language, or from its script when the language is
    // unknown: Arabic text reads right to left even without a language field.
    function directionOf(language, sample) {
        const primary = (langAttr(language) || '').split('-')[0].toLowerCase();
        if (primary) return RTL_LANGS.has(primary) ? 'rtl' : 'ltr';
        return RTL_SCRIPT.test(sample || '') ? 'rtl' : 'auto';
    }

    // The direction of a text from its first letter, as dir="auto" would find it.
    // For a block (an h2) holding an inline element with dir="auto": auto on the
    // block itself would skip that element and find nothing.
    function textDirection(text) {
        const m = /\p{L}/u.exec(text || '');
        return m && RTL_SCRIPT.test(m[0]) ? 'rtl' : 'ltr';
    }

    // A quoted user text, isolated so that its direction cannot reorder the
    // English sentence around it.
    function quoted(text) {
        return [el('span', { 'aria-hidden': 'true' }, '\u201c'), el('bdi', {}, text),
            el('span', { 'aria-hidden': 'true' }, '\u201d')];
    }

    function docHref(id) {
        return `/?doc=${encodeURIComponent(id)}`;
    }

    // ------------------------------------------------------------- URL state

    function emptySearch() {
        const filters = {};
        for (const f of FIELDS) filters[f.param] = [];
        return { view: 'search', q: '', filters, from: '', to: '', sort: 'relevance', page: 1,
            perPage: null };
    }

    // The page state from a query string. Only known names are read, and only
    // known names are ever sent on to the API (which answers 400 to others).
    function readState(search) {
        const p = new URLSearchParams(search);
        if (p.has('doc')) return { view: 'doc', id: p.get('doc'), q: p.get('q') };
        const s = emptySearch();
        let any = false;
        for (const f of FIELDS) {
            const values = p.getAll(f.param).filter((v) => v !== '');
            s.filters[f.param] = [...new Set(values)];
            any = any || p.has(f.param);
        }
        for (const name of ['q', 'from', 'to', 'sort', 'page', 'per_page']) any = any || p.has(name);
        s.q = p.get('q') || '';
        s.from = (p.get('from') || '').trim();
        s.to = (p.get('to') || '').trim();
        s.sort = SORTS.includes(p.get('sort')) ? p.get('sort') : 'relevance';
        const page = p.get('page');
        s.page = /^\d{1,7}$/.test(page || '') && Number(page) >= 1 ? Number(page) : 1;
        const perPage = p.get('per_page');
        s.perPage = /^\d{1,4}$/.test(perPage || '') && Number(perPage) >= 1 ? Number(perPage) : null;
        if (!any) s.view = 'home';
        return s;
    }

    // Parameters in a fixed order: q, the filters, from, to, sort, page. For the
    // API `q` is always sent; `omit` leaves one filter field out.
    function searchParams(s, { api = false, omit = null, page = true, sort = true } = {}) {
        const p = new URLSearchParams();
        if (api || s.q !== '') p.append('q', s.q);
        for (const f of FIELDS) {
            if (f.param === omit) continue;
            for (const v of s.filters[f.param]) p.append(f.param, v);
        }
        if (s.from) p.append('from', s.from);
        if (s.to) p.append('to', s.to);
        if (sort && s.sort !== 'relevance') p.append('sort', s.sort);
        if (page && s.page > 1) p.append('page', String(s.page));
        if (page && s.perPage) p.append('per_page', String(s.perPage));
        return p;
    }

    function stateUrl(s) {
        const query = searchParams(s).toString();
        return query ? `/?${query}` : '/?q=';
    }

    function hasFilters(s) {
        return FIELDS.some((f) => s.filters[f.param].length > 0) || s.from !== '' || s.to !== '';
    }

    function withChanges(s, changes) {
        const filters = {};
        for (const f of FIELDS) filters[f.param] = s.filters[f.param].slice();
        return Object.assign({}, s, { filters }, changes);
    }

    // ------------------------------------------------------------------- API

    class ApiError extends Error {
        constructor(kind, status, message, code) {
            super(message || kind);
            this.kind = kind; // 'down' (network or 5xx) or 'client' (4xx)
            this.status = status;
            this.code = code || null;
        }
    }

    async function getJSON(url, signal) {
        let response;
        try {
            response = await fetch(url, {
                signal, credentials: 'same-origin', headers: { Accept: 'application/json' },
            });
        } catch (err) {
            if (err && err.name === 'AbortError') throw err;
            throw new ApiError('down', 0);
        }
        let body = null;
        try {
            body = await response.json();
        } catch (err) {
            if (err && err.name === 'AbortError') throw err;
            body = null;
        }
        if (!response.ok || body === null || typeof body !== 'object') {
            const error = body && body.error ? body.error : {};
            const kind = response.status >= 400 && response.status < 500 ? 'client' : 'down';
            throw new ApiError(kind, response.status, error.message, error.code);
        }
        return body;
    }

    const isAbort = (err) => err && err.name === 'AbortError';

    // --------------------------------------------------------------- alerts

    function showAlert(text) {
        clear(ui.alertSlot);
        ui.alertSlot.append(el('div', { role: 'alert', class: 'alert' }, el('p', {}, text)));
    }

    function clearAlert() {
        clear(ui.alertSlot);
    }

    // -------------------------------------------------- highlighting the text

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
    function highlighter(q) {
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
    function appendHighlighted(parent, text, re) {
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
    function renderText(container, text, re) {
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

    // ------------------------------------------------------- search results

    let inflight = null; // the AbortController of the view being loaded

    function setTitle(text) {
        document.title = text ? `${text} \u2013 ${SITE}` : SITE;
    }

    function setFeedLink(href) {
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

    function syncControls(s) {
        ui.sort.value = s.sort;
        ui.from.value = s.from;
        ui.to.value = s.to;
        ui.datesError.hidden = true;
        ui.from.removeAttribute('aria-invalid');
        ui.to.removeAttribute('aria-invalid');
        if (ui.q.value !== s.q) ui.q.value = s.q;
    }

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

    function metaLine(r) {
        const parts = [];
        if (r.type) parts.push(el('span', { class: 'doc-type' }, r.type));
        if (r.date) parts.push(timeEl(r.date));
        if (r.process) parts.push(el('span', {}, r.process));
        if (r.meeting) parts.push(el('span', {}, `Meeting ${r.meeting}`));
        if (r.status) parts.push(el('span', {}, r.status));
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
            metaLine(r));
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

    function activeFilters(s) {
        const chips = [];
        for (const f of FIELDS) {
            for (const v of s.filters[f.param]) chips.push({ legend: f.legend, param: f.param, value: v });
        }
        if (s.from) chips.push({ legend: 'From year', param: 'from', value: s.from });
        if (s.to) chips.push({ legend: 'To year', param: 'to', value: s.to });
        if (!chips.length) return null;
        const list = el('ul', { class: 'chips', 'aria-label': 'Active filters' });
        for (const c of chips) {
            list.append(el('li', {},
                el('button', { type: 'button', class: 'chip', 'data-remove': c.param, 'data-value': c.value },
                    el('span', { class: 'visually-hidden' }, 'Remove '),
                    `${c.legend}: `, el('bdi', {}, c.value),
                    el('span', { class: 'chip-x', 'aria-hidden': 'true' }, '\u00d7'))));
        }
        const clearAll = el('a', { class: 'clear-all', href: stateUrl(withChanges(emptySearch(),
            { q: s.q, sort: s.sort })) }, 'Clear all filters');
        return el('div', { class: 'active-filters' },
            el('p', { class: 'active-filters-label', 'aria-hidden': 'true' }, 'Filtered by:'),
            list, clearAll);
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
                el('a', { href: stateUrl(withChanges(emptySearch(), { q: s.q, sort: s.sort })) },
                    'search without any filter'), '.'));
        }
        if (s.q) {
            tips.append(el('li', {}, 'Search by subject instead: ',
                el('a', { href: '/?q=&theme=trafficking' }, 'trafficking'), ', ',
                el('a', { href: '/?q=&theme=remittances' }, 'remittances'), ', ',
                el('a', { href: '/?q=&theme=labour+mobility' }, 'labour mobility'), '.'));
        }
        if (!tips.firstChild) tips.append(el('li', {}, el('a', { href: '/?q=' }, 'Browse every document'), '.'));
        return el('section', { class: 'no-results', 'aria-labelledby': 'no-results-title' },
            el('h2', { id: 'no-results-title' }, 'No documents match'),
            el('p', {}, 'Nothing in the archive matches ',
                s.q ? quoted(s.q) : 'these filters',
                s.q && hasFilters(s) ? ' with these filters.' : '.', ' You could:'),
            tips);
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

    function facetGroup(field, values, selected) {
        const counts = new Map();
        for (const item of Array.isArray(values) ? values : []) {
            if (item && typeof item.value === 'string') counts.set(item.value, Number(item.count) || 0);
        }
        for (const v of selected) if (!counts.has(v)) counts.set(v, 0);
        if (!counts.size) return null;
        let entries = [...counts.entries()];
        if (field.key === 'year') entries = entries.sort((a, b) => b[0].localeCompare(a[0]));
        const list = el('ul', { class: `facet-values${entries.length > 10 ? ' long' : ''}` });
        for (const [value, count] of entries) {
            const box = el('input', { type: 'checkbox', 'data-param': field.param, value,
                checked: selected.includes(value) });
            list.append(el('li', {}, el('label', { class: 'facet-value' }, box,
                el('span', { class: 'facet-text' }, el('bdi', {}, value), ' ',
                    el('span', { class: 'count' }, ui.facetsEstimated ? `(about ${count})` : `(${count})`)))));
        }
        return el('fieldset', { class: 'facet', 'data-field': field.key }, el('legend', {}, field.legend), list);
    }

    function renderFacets(s, facets) {
        clear(ui.facetsSlot);
        for (const f of FIELDS) {
            const group = facetGroup(f, facets ? facets[f.key] : [], s.filters[f.param]);
            if (group) ui.facetsSlot.append(group);
        }
    }

    function focusAfter(focus) {
        if (!focus) return;
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
        // 'keep': the control that changed (sort, dates) was not re-rendered.
    }

    function showSearchChrome(home) {
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

    async function renderSearch(s, signal, focus) {
        syncControls(s);
        showSearchChrome(false);
        setTitle(s.q ? `\u201c${s.q}\u201d` : 'All documents');
        const feedHref = `/feed?${searchParams(s, { page: false, sort: false }).toString()}`.replace(/\?$/, '');
        ui.feedLink.setAttribute('href', feedHref);
        setFeedLink(feedHref);
        const slow = setTimeout(() => {
            ui.status.textContent = 'Searching\u2026';
            ui.resultsSlot.setAttribute('aria-busy', 'true');
        }, 300);

        // Facet counts of a field with active filters come from the same search
        // without that field's filters, so that its other values can still be added
        // (values of one field are ORed): the usual "disjunctive" facets.
        const main = getJSON(`/search?${searchParams(s, { api: true }).toString()}`, signal);
        const extra = FIELDS.filter((f) => s.filters[f.param].length > 0).map((f) => {
            const p = searchParams(withChanges(s, { page: 1, perPage: 1, sort: 'relevance' }),
                { api: true, omit: f.param });
            return getJSON(`/search?${p.toString()}`, signal)
                .then((d) => [f.key, d.facets ? d.facets[f.key] : null])
                .catch((err) => {
                    if (isAbort(err)) throw err;
                    return [f.key, null];
                });
        });
        let data;
        let others;
        try {
            data = await main;
            others = await Promise.all(extra);
        } catch (err) {
            clearTimeout(slow);
            if (isAbort(err)) return;
            ui.resultsSlot.removeAttribute('aria-busy');
            clear(ui.resultsSlot);
            clear(ui.pagesSlot);
            clear(ui.noticeSlot);
            clear(ui.activeSlot);
            clear(ui.facetsSlot);
            if (err.kind === 'client') {
                ui.status.textContent = 'The search could not be run.';
                showAlert(`This search could not be run: ${err.message}. Change the query or the `
                    + 'filters and try again.');
                ui.filters.hidden = false;
                const chips = activeFilters(s);
                if (chips) ui.activeSlot.append(chips);
            } else {
                ui.status.textContent = '';
                ui.resultsArea.hidden = true;
                ui.filters.hidden = true;
                showAlert(SERVICE_DOWN);
            }
            focusAfter(focus === 'view' ? null : focus);
            return;
        }
        clearTimeout(slow);
        clearAlert();
        ui.resultsSlot.removeAttribute('aria-busy');

        const results = Array.isArray(data.results) ? data.results : [];
        const perPage = Number(data.per_page) || s.perPage || 10;
        const total = Number(data.total && data.total.estimate) || 0;
        const pages = Math.max(1, Math.ceil(total / perPage));
        ui.status.textContent = statusText(data, s, pages);

        clear(ui.activeSlot);
        const chips = activeFilters(s);
        if (chips) ui.activeSlot.append(chips);

        clear(ui.noticeSlot);
        for (const n of notices(data, s)) ui.noticeSlot.append(n);

        clear(ui.resultsSlot);
        if (results.length) {
            const list = el('ol', { class: 'results', 'aria-label': 'Results',
                start: (s.page - 1) * perPage + 1 });
            for (const r of results) if (r && typeof r.id === 'string') list.append(resultItem(r));
            ui.resultsSlot.append(list);
        } else if (total > 0) {
            ui.resultsSlot.append(el('section', { class: 'no-results', 'aria-labelledby': 'past-end' },
                el('h2', { id: 'past-end' }, 'No more results'),
                el('p', {}, `This search has ${plural(total, 'result', 'results')}, on `,
                    `${plural(pages, 'page', 'pages')}. `,
                    el('a', { href: stateUrl(withChanges(s, { page: 1 })) }, 'Go to the first page'), '.')));
        } else {
            ui.resultsSlot.append(noResults(s, data));
        }

        clear(ui.pagesSlot);
        const nav = pagination(s, pages);
        if (nav) ui.pagesSlot.append(nav);

        const facets = Object.assign({}, data.facets || {});
        for (const [key, values] of others) if (values) facets[key] = values;
        // Past the server's facet limit the counts are scaled from a sample.
        ui.facetsEstimated = data.facets_estimated === true;
        renderFacets(s, facets);
        focusAfter(focus);
    }

    // --------------------------------------------------------- document view

    // "<title>. <process>, <meeting>, <date>. Document <id> (<symbol>). UNITAR
    // migration archive. <permalink>", leaving out what the document lacks. As
    // nodes: each value in a <bdi>, so that an Arabic title does not reorder the
    // rest; textContent is the plain citation.
    function citation(doc) {
        const parts = [];
        const title = (doc.title || doc.id).replace(/[.\s]+$/, '');
        parts.push(el('bdi', {}, title), '.');
        const where = [doc.process, doc.meeting, doc.date].filter((x) => typeof x === 'string' && x);
        where.forEach((value, i) => parts.push(i ? ', ' : ' ', el('bdi', {}, value)));
        if (where.length) parts.push('.');
        parts.push(' Document ', el('bdi', {}, doc.id));
        if (doc.symbol) parts.push(' (', el('bdi', {}, doc.symbol), ')');
        parts.push(`. UNITAR migration archive. ${location.origin}${docHref(doc.id)}`);
        return parts;
    }

    function humanKey(name) {
        const words = String(name).replace(/[_-]+/g, ' ').trim();
        return words.charAt(0).toUpperCase() + words.slice(1);
    }

    function metadataList(doc, lang) {
        const dl = el('dl', { class: 'metadata' });
        const add = (term, ...value) => {
            dl.append(el('div', { class: 'meta-row' }, el('dt', {}, term), el('dd', {}, ...value)));
        };
        if (doc.type) add('Type', doc.type);
        if (doc.type === 'recommendation' && doc.number !== null && doc.number !== undefined) {
            add('Number', String(doc.number));
        }
        if (doc.meeting) {
            const search = withChanges(emptySearch(), {});
            search.filters.meeting = [doc.meeting];
            add('Meeting', el('a', { href: stateUrl(search) }, doc.meeting));
        }
        if (doc.process) add('Process', doc.process);
        if (doc.date) add('Date', timeEl(doc.date));
        if (doc.status) add('Implementation status', doc.status);
        if (doc.symbol) add('Symbol', el('bdi', {}, doc.symbol));
        if (Array.isArray(doc.countries) && doc.countries.length) add('Countries', doc.countries.join(', '));
        if (Array.isArray(doc.themes) && doc.themes.length) add('Themes', doc.themes.join(', '));
        if (doc.language) add('Language', el('span', {}, doc.language));
        for (const [name, value] of Object.entries(doc.extra || {})) {
            const text = Array.isArray(value) ? value.join(', ') : String(value);
            add(humanKey(name), el('span', { dir: 'auto', lang }, text));
        }
        add('Document id', el('code', {}, doc.id));
        return dl;
    }

    function implementationTable(rows) {
        const table = el('table', { class: 'implementation' },
            el('caption', {}, 'Implementation by country'),
            el('thead', {}, el('tr', {},
                ['Country', 'Status', 'Obstacles', 'Reported'].map((h) => el('th', { scope: 'col' }, h)))));
        const body = el('tbody');
        // data-label names the column for the narrow layout of style.css.
        const cell = (value, label) => {
            const tag = label === 'Country' ? 'th' : 'td';
            const attrs = tag === 'th' ? { scope: 'row' } : { 'data-label': label };
            if (typeof value === 'string' && value.trim() !== '') {
                return el(tag, Object.assign(attrs, { dir: 'auto' }), value.trim());
            }
            return el(tag, attrs, el('span', { 'aria-hidden': 'true' }, '\u2014'),
                el('span', { class: 'visually-hidden' }, 'not reported'));
        };
        for (const row of rows) {
            if (!row || typeof row !== 'object') continue;
            const reported = typeof row.date === 'string' && row.date
                ? el('td', { 'data-label': 'Reported' }, timeEl(row.date)) : cell(null, 'Reported');
            body.append(el('tr', {}, cell(row.country, 'Country'), cell(row.status, 'Status'),
                cell(row.obstacles, 'Obstacles'), reported));
        }
        table.append(body);
        return el('div', { class: 'table-wrap' }, table);
    }

    function section(id, title, ...content) {
        return el('section', { class: 'doc-section', 'aria-labelledby': id },
            el('h2', { id }, title), ...content);
    }

    function relatedList(similar) {
        if (similar === null) return el('p', { class: 'muted' }, 'Related documents could not be loaded.');
        const results = Array.isArray(similar.results) ? similar.results : [];
        if (!results.length) return el('p', { class: 'muted' }, 'No related documents were found.');
        const list = el('ul', { class: 'related' });
        for (const r of results) {
            if (!r || typeof r.id !== 'string') continue;
            const lang = langAttr(r.language);
            list.append(el('li', {},
                el('p', { class: 'related-title', dir: textDirection(r.title || r.id) },
                    el('a', { href: docHref(r.id), dir: 'auto', lang }, r.title || r.id)),
                metaLine(r)));
        }
        return list;
    }

    async function copyText(text, source) {
        if (navigator.clipboard && window.isSecureContext) {
            try {
                await navigator.clipboard.writeText(text);
                return true;
            } catch (err) {
                // fall through to the selection below
            }
        }
        // Without the asynchronous clipboard (plain http on an intranet host), copy
        // the selected citation.
        const selection = window.getSelection();
        const range = document.createRange();
        range.selectNodeContents(source);
        selection.removeAllRanges();
        selection.addRange(range);
        let ok = false;
        try {
            ok = document.execCommand('copy');
        } catch (err) {
            ok = false;
        }
        return ok;
    }

    function citeSection(doc) {
        const text = el('p', { class: 'citation', id: 'citation-text' }, citation(doc));
        const message = el('span', { class: 'copy-message', role: 'status' });
        const button = el('button', { type: 'button', class: 'button' }, 'Copy citation');
        button.addEventListener('click', async () => {
            message.textContent = '';
            const ok = await copyText(text.textContent, text);
            message.textContent = ok ? 'Citation copied.'
                : 'The citation could not be copied: it is selected, copy it with Ctrl+C.';
        });
        return section('cite-title', 'Cite this document', text, el('p', { class: 'copy-line' }, button, ' ', message));
    }

    function backLink() {
        const hs = history.state || {};
        const href = typeof hs.resultsUrl === 'string' ? hs.resultsUrl : '/';
        const link = el('a', { href, class: 'back-link' },
            el('span', { 'aria-hidden': 'true' }, '\u2190 '), 'Back to results');
        link.addEventListener('click', (ev) => {
            if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
            const state = history.state || {};
            if (typeof state.resultsUrl === 'string' && Number.isInteger(state.depth) && state.depth > 0) {
                ev.preventDefault();
                history.go(-state.depth);
            }
            // otherwise the document click handler navigates to href
        });
        return link;
    }

    function renderDocument(doc, similar, q) {
        const lang = langAttr(doc.language);
        const dir = directionOf(doc.language, `${doc.title || ''} ${(doc.text || '').slice(0, 400)}`);
        const title = doc.title || doc.id;
        const permalink = `${location.origin}${docHref(doc.id)}`;
        const article = el('article', { class: 'document', lang, dir, 'aria-labelledby': 'doc-title' });
        article.append(el('h1', { id: 'doc-title', tabindex: '-1', lang, dir }, title));

        // The page's own words are English and left to right, inside a document
        // that may be neither.
        const chrome = (node) => {
            node.setAttribute('lang', 'en');
            node.setAttribute('dir', 'ltr');
            return node;
        };
        article.append(chrome(metadataList(doc, lang)));
        const actions = el('ul', { class: 'doc-actions' },
            el('li', {}, el('a', { href: permalink, class: 'permalink' }, 'Permalink')));
        if (typeof doc.file === 'string' && doc.file.startsWith('/doc/')) {
            actions.append(el('li', {}, el('a', { href: doc.file, class: 'file-link' }, 'Original file')));
        }
        article.append(chrome(actions));

        if (Array.isArray(doc.implementation) && doc.implementation.length) {
            article.append(chrome(implementationTable(doc.implementation)));
        }

        const textBox = el('div', { class: 'doc-text', dir: 'auto', lang });
        let marks = 0;
        if (typeof doc.text === 'string' && doc.text.trim() !== '') {
            marks = renderText(textBox, doc.text, highlighter(q));
        } else {
            textBox.append(el('p', { class: 'muted', lang: 'en', dir: 'ltr' }, 'This document has no text in the index.'));
        }
        const textSection = section('text-title', 'Text');
        chrome(textSection.firstChild);
        if (marks > 0) {
            textSection.append(chrome(el('p', { class: 'muted' },
                'The words of your search ', quoted(q),
                ` are highlighted (${plural(marks, 'match', 'matches')}).`)));
        }
        textSection.append(textBox);
        article.append(textSection);

        article.append(chrome(citeSection(doc)));
        article.append(chrome(section('related-title', 'Related documents', relatedList(similar))));

        clear(ui.docView);
        ui.docView.append(el('p', { class: 'back' }, backLink()), article);
        setTitle(title);
    }

    function renderDocProblem(id, err) {
        clear(ui.docView);
        const h1 = el('h1', { id: 'doc-title', tabindex: '-1' },
            err.kind === 'client' ? 'Document not found' : 'Document not available');
        const body = err.kind === 'client'
            ? el('p', {}, 'No document with the id ', el('code', {}, id),
                ' is in the archive, or it is not available to you. ',
                el('a', { href: `/?q=${encodeURIComponent(id)}` }, 'Search for it'), '.')
            : el('p', {}, 'The document could not be loaded.');
        ui.docView.append(el('p', { class: 'back' }, backLink()), el('article', { class: 'document' }, h1, body));
        setTitle(h1.textContent);
        if (err.kind !== 'client') showAlert(SERVICE_DOWN);
    }

    async function renderDoc(s, signal, focus) {
        ui.searchView.hidden = true;
        ui.searchHeading.remove();
        ui.filters.hidden = true;
        ui.docView.hidden = false;
        setFeedLink(null);
        const hs = history.state || {};
        const q = typeof s.q === 'string' ? s.q : (typeof hs.q === 'string' ? hs.q : '');
        if (ui.q.value !== q) ui.q.value = q;
        clear(ui.docView);
        ui.docView.append(el('p', { class: 'muted loading' }, 'Loading the document\u2026'));
        const id = s.id || '';
        const enc = encodeURIComponent(id);
        let doc;
        let similar;
        try {
            [doc, similar] = await Promise.all([
                getJSON(`/doc/${enc}`, signal),
                getJSON(`/similar/${enc}?per_page=${SIMILAR_COUNT}`, signal).catch((err) => {
                    if (isAbort(err)) throw err;
                    return null;
                }),
            ]);
        } catch (err) {
            if (isAbort(err)) return;
            renderDocProblem(id, err);
            focusAfter(focus);
            return;
        }
        clearAlert();
        renderDocument(doc, similar, q);
        focusAfter(focus);
    }

    // ------------------------------------------------------------ navigation

    async function render(focus) {
        if (inflight) inflight.abort();
        inflight = new AbortController();
        closeSuggestions();
        const s = readState(location.search);
        if (s.view === 'doc') {
            await renderDoc(s, inflight.signal, focus);
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
            return;
        }
        await renderSearch(s, inflight.signal, focus);
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
        if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey
            || ev.altKey) return;
        const a = ev.target.closest('a[href]');
        if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
        const url = new URL(a.href, location.href);
        if (url.origin !== location.origin || url.pathname !== '/' || url.hash) return;
        ev.preventDefault();
        navigate(url.pathname + url.search, stateFor(url));
    }

    // ---------------------------------------------------------- suggestions

    const suggest = { timer: 0, controller: null, items: [], active: -1 };

    function closeSuggestions() {
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
        submitSearch();
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

    // ------------------------------------------------------------- controls

    function submitSearch() {
        closeSuggestions();
        const current = readState(location.search);
        const base = current.view === 'search' ? current : emptySearch();
        navigate(stateUrl(withChanges(base, { q: ui.q.value.trim(), page: 1 })), {});
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
        navigate(stateUrl(next), {}, { facet: { param: box.dataset.param, value: box.value } });
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
        navigate(stateUrl(withChanges(s, { from, to, page: 1 })), {}, 'keep');
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
        Object.assign(ui, {
            main: byId('main'), q: byId('q'), searchHeading: byId('search-view-title'), form: byId('search-form'),
            suggestions: byId('suggestions'), alertSlot: byId('alert-slot'),
            searchView: byId('search-view'), intro: byId('intro'), resultsArea: byId('results-area'),
            status: byId('results-status'), sort: byId('sort'), activeSlot: byId('active-filters-slot'),
            noticeSlot: byId('notice-slot'), resultsSlot: byId('results-slot'),
            pagesSlot: byId('pages-slot'), feedLink: byId('feed-link'), docView: byId('doc-view'),
            filters: byId('filters'), facetsSlot: byId('facets-slot'), datesForm: byId('dates-form'),
            from: byId('from'), to: byId('to'), datesError: byId('dates-error'),
        });
        ui.form.addEventListener('submit', (ev) => {
            ev.preventDefault();
            submitSearch();
        });
        ui.q.addEventListener('input', onQueryInput);
        ui.q.addEventListener('keydown', onQueryKeydown);
        ui.q.addEventListener('blur', closeSuggestions);
        ui.facetsSlot.addEventListener('change', onFacetChange);
        ui.activeSlot.addEventListener('click', onChipClick);
        ui.sort.addEventListener('change', onSortChange);
        ui.datesForm.addEventListener('submit', onDatesSubmit);
        byId('skip-link').addEventListener('click', onSkipLink);
        document.addEventListener('click', onDocumentClick);
        window.addEventListener('popstate', () => render('view'));
        render(null);
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
})();
