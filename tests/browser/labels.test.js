// labels.test.js - names people read, and Markdown documents rendered safely
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// On the sample archive: the language facet and a result say "French", not
// "fr"; a Markdown report's document view shows its table, headings and list
// as such (the expected cells read from the .md file itself) with the query's
// words marked; free fields ("sample") and ids sit in a collapsed "More
// details"; a recommendation's title is the start of its text and its
// citation names its number and meeting (axe: access.test.js). On a fixture
// archive (tests/data/rendering): raw HTML and javascript: links in a
// Markdown file are shown as text, and nothing of them runs. Meeting titles:
// /search and /doc are routed to add the `label` and `meeting_title` another
// change stores in the index, so that the page's use of them is tested now.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

const DATA = path.join(__dirname, '..', 'data');
const REPORT = 'crs-2002-ikd-country-reports-evaluation';
const REPORT_FILE = path.join(DATA, 'archive', 'reports', `${REPORT}.md`);

// The first table of a Markdown file: its header cells and body rows, read
// with a plain split (the sample's cells hold no escaped pipes).
function markdownTable(file) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((line, i) => line.startsWith('|') && /^\|[-|: ]+\|$/.test(lines[i + 1] || ''));
    const split = (line) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    const rows = [];
    for (let i = at + 2; i < lines.length && lines[i].startsWith('|'); i += 1) rows.push(split(lines[i]));
    return { head: split(lines[at]), rows };
}

describe('labels and rendered documents (sample archive)', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('names languages in the facet, the chip and the results', async () => {
        const schema = await ctx.api('/schema');
        const french = schema.languages.find((l) => l.code === 'fr');
        assert.ok(french && french.label, 'GET /schema names French');
        const answer = await ctx.api('/search?q=&lang=fr');
        assert.ok(answer.total.estimate > 0, 'the sample has French documents');
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?q=`);
        await lib.waitForCount(page);
        const box = lib.facetCheckbox(page, 'Language', french.label);
        await box.waitFor();
        assert.equal(await lib.facetGroup(page, 'Language').getByRole('checkbox', { name: /^fr \(/ }).count(), 0,
                     'no checkbox is named by the bare code');
        await box.check();
        await lib.expectResults(page, answer);
        const chip = page.getByRole('button', { name: `Remove Language: ${french.label}` });
        assert.equal(await chip.count(), 1, 'the chip names the language');
        const meta = lib.resultList(page).locator('.meta').first();
        assert.match(await meta.textContent(), new RegExp(`\\b${french.label}\\b`), 'a result says its language');
    });

    it('renders a Markdown report: table, headings, list; marks the query; hides keys', async () => {
        const doc = await ctx.api(`/doc/${REPORT}`);
        assert.equal(typeof doc.markdown, 'string', '/doc sends the Markdown source');
        assert.ok(!doc.text.includes('|'), 'the indexed text has no table pipes');
        const want = markdownTable(REPORT_FILE);
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?q=coordination&doc=${REPORT}`);
        const text = page.locator('.doc-text');
        const table = text.getByRole('table');
        await table.waitFor();
        const head = (await table.getByRole('columnheader').allTextContents()).map((t) => t.trim());
        assert.deepEqual(head, want.head, 'the header cells of the file');
        const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
            [...tr.children].map((c) => c.textContent.trim())));
        assert.deepEqual(rows, want.rows, 'the body rows of the file');
        assert.ok(!(await text.textContent()).includes('|'), 'no pipes in the rendered text');
        const headings = (await text.getByRole('heading', { level: 3 }).allTextContents()).map((t) => t.trim());
        assert.ok(headings.includes('Method') && headings.includes('Findings'), `headings: ${headings}`);
        assert.equal(await text.locator('ol > li').count(), 3, 'the numbered list of three');
        assert.ok(await text.locator('mark').filter({ hasText: /coordination/i }).count() > 0,
                  'the query is marked in the rendered text');
        const details = page.locator('details.more-details');
        assert.equal(await details.count(), 1);
        assert.equal(await details.evaluate((d) => d.open), false, '"More details" is collapsed');
        assert.ok(!/sample/i.test(await page.locator('dl.metadata').first().textContent()),
                  'no "sample" flag among the details shown');
        assert.equal(await page.getByText(/sample:?\s*true/i).filter({ visible: true }).count(), 0,
                     'no "Sample: true" anywhere in view');
        await details.locator('summary').click();
        assert.ok((await details.textContent()).includes('sample'), 'the flag is under More details');
        assert.ok((await details.textContent()).includes(REPORT), 'so is the document id');
    });

    it('titles a recommendation by its text and cites its number and meeting', async () => {
        const id = 'au-2004-accra.r2';
        const doc = await ctx.api(`/doc/${id}`);
        const yaml = fs.readFileSync(path.join(DATA, 'archive', 'recommendations',
                                               'au-2004-accra.recommendations.yaml'), 'utf8');
        const block = yaml.split(/\n {2}- number: /)[2];
        const words = block.split('text: >')[1].split(/\n {4}\w+:/)[0].replace(/\s+/g, ' ').trim();
        assert.ok(!/^Recommendation \d/.test(doc.title), `title: ${doc.title}`);
        assert.ok(words.startsWith(doc.title.replace(/\u2026$/, '')), `"${doc.title}" starts "${words}"`);
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?doc=${id}`);
        const cite = page.locator('#citation-text');
        await cite.waitFor();
        const meeting = doc.meeting_title || doc.meeting;
        assert.match(await cite.textContent(), new RegExp(`Recommendation ${doc.number}, ${meeting.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\.`));
    });
});

describe('meeting titles from the API (routed until the index has them)', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    // The title the routed answers give a meeting id.
    const titleOf = (id) => `Meeting titled ${id.toUpperCase()}`;

    // The real answers of /search and /doc, with a `label` on every meeting
    // facet row and a `meeting_title` on every result and document that has
    // a meeting: the fields the meeting-title work adds to API 2.
    async function routeTitles(page) {
        await page.route((url) => url.pathname === '/search' || url.pathname.startsWith('/doc/'),
            async (route) => {
                const response = await route.fetch();
                const json = await response.json();
                for (const row of (json.facets && json.facets.meeting) || []) row.label = titleOf(row.value);
                for (const r of [json, ...(json.results || [])]) {
                    if (typeof r.meeting === 'string') r.meeting_title = titleOf(r.meeting);
                }
                await route.fulfill({ response, json });
            });
    }

    it('shows a meeting by its title in the facet, the chip, the results and the document', async () => {
        const meeting = 'au-2004-accra';
        const answer = await ctx.api(`/search?q=&meeting=${meeting}`);
        const page = await ctx.page();
        await routeTitles(page);
        await page.goto(`${ctx.base}/?q=`);
        await lib.waitForCount(page);
        const box = lib.facetCheckbox(page, 'Meeting', titleOf(meeting));
        await box.waitFor();
        await box.check();
        await lib.expectResults(page, answer);
        assert.equal(await page.getByRole('button', { name: `Remove Meeting: ${titleOf(meeting)}` }).count(), 1,
                     'the chip names the meeting by its title');
        const meta = await lib.resultList(page).locator('.meta').first().textContent();
        assert.ok(meta.includes(titleOf(meeting)) && !meta.includes(`Meeting ${meeting}`), meta);
        await page.goto(`${ctx.base}/?doc=${meeting}.r4`);
        const cite = page.locator('#citation-text');
        await cite.waitFor();
        assert.match(await cite.textContent(), new RegExp(`Recommendation 4, ${titleOf(meeting)}\\.`));
        const link = page.locator(`dl.metadata a[href="/?meeting=${meeting}"]`);
        assert.equal((await link.textContent()).trim(), titleOf(meeting), 'the meeting row shows the title');
        const details = page.locator('details.more-details');
        await details.locator('summary').click();
        assert.ok((await details.textContent()).includes(meeting), 'the id is under More details');
    });
});

describe('Markdown from a file is never run (fixture archive)', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup({ archive: path.join(DATA, 'rendering') });
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('shows raw HTML as text and drops unsafe links', async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?doc=hostile-markdown`);
        const text = page.locator('.doc-text');
        await text.getByRole('table').waitFor();
        const shown = await text.textContent();
        assert.ok(shown.includes('<script>window.__markdownScript = 1;</script>'), 'the script is text');
        assert.ok(shown.includes('<img src="x" onerror='), 'the img tag is text');
        assert.equal(await text.locator('script, img, iframe').count(), 0, 'no element from the file');
        assert.equal(await page.evaluate(() => window.__markdownScript || window.__markdownImg
            || window.__markdownLink || null), null, 'nothing of the file ran');
        const hrefs = await text.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(hrefs, ['https://example.org/report'], 'only the safe link is a link');
        assert.ok(shown.includes('bad link') && shown.includes('data link'), 'unsafe links keep their text');
        assert.equal(await text.locator('strong').filter({ hasText: 'strong words' }).count(), 1);
        assert.equal(await text.locator('em').filter({ hasText: 'emphasis' }).count(), 1);
        assert.ok(shown.includes('IMP_AU_2004'), 'underscores inside a symbol stay');
        assert.equal(await text.locator('ul ul > li').count(), 1, 'the nested list item');
        assert.equal(await text.locator('blockquote').count(), 1);
        assert.deepEqual(page.errors, [], 'no script errors');
        assert.equal(await page.locator('h1').textContent(), 'Rendering check');
        // The language is named; the flag and the code are under More details.
        const metadata = page.locator('dl.metadata').first();
        assert.ok((await metadata.textContent()).includes('French'), 'the language by its name');
        assert.ok(!(await metadata.textContent()).includes('sample'), 'the flag is not in the main list');
    });
});
