// statuses.test.js - status by country: the badges and the summary line
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// What each country reported is checked against the recommendation sets by
// tests/integration/test_status.c; here the page must show the API's
// breakdown, every entry as text (country and status, "no information"
// included), with the summary counted from the entries themselves, and a
// filtered country first and marked.
'use strict';

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

// "2 of 4 countries implemented, 1 partially implemented, ..." from the rows.
function expectedSummary(rows) {
    const count = (status) => rows.filter((r) => r.status === status).length;
    const n = new Set(rows.map((r) => r.country)).size;
    const parts = [`${count('implemented')} of ${n} ${n === 1 ? 'country' : 'countries'} implemented`];
    for (const status of ['partially implemented', 'not implemented', 'no information']) {
        if (count(status) > 0) parts.push(`${count(status)} ${status}`);
    }
    return parts.join(', ');
}

// The badges under 'scope' as [{country, status, matched}].
async function badges(scope) {
    const list = scope.getByRole('list', { name: 'Implementation status by country' });
    return list.locator('li').evaluateAll((items) => items.map((li) => ({
        country: li.querySelector('.status-country').textContent,
        status: li.querySelector('.status-word').textContent,
        matched: li.classList.contains('matched'),
        text: li.textContent,
    })));
}

describe('status by country', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('shows each result\'s countries as badges, the filtered country first', async () => {
        const query = 'q=trafficking&country=Ghana&status=partially+implemented';
        const answer = await ctx.api(`/search?${query}`);
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?${query}`);
        await lib.expectResults(page, answer);

        const hit = answer.results.find((r) => r.id === 'au-2004-accra.r4');
        assert.ok(hit, 'Ghana partially implemented au-2004-accra.r4');
        const item = lib.resultList(page).locator('li.result')
            .filter({ has: page.locator('a[href="/?doc=au-2004-accra.r4"]') });
        const shown = await badges(item);
        assert.deepEqual(shown.map((b) => [b.country, b.status]),
                         hit.statuses.map((r) => [r.country, r.status]));
        assert.equal(shown[0].country, 'Ghana', 'the filtered country comes first');
        assert.equal(shown[0].status, 'partially implemented');
        assert.ok(shown[0].matched, 'and is marked');
        assert.match(shown[0].text, /matches your filters/, 'in words too');
        assert.ok(shown.slice(1).every((b) => !b.matched), 'only Ghana is marked');
        assert.ok(shown.some((b) => b.country === 'C\u00f4te d\'Ivoire' &&
                                    b.status === 'not implemented'));
        const summary = (await item.locator('.status-summary').textContent()).trim();
        assert.equal(summary, expectedSummary(hit.statuses));
        // The line under the title no longer claims one status for all.
        assert.doesNotMatch(await item.locator('p.meta').textContent(), /implemented/);
    });

    it('shows the breakdown in the document view, "no information" included', async () => {
        const id = 'ikd-2002-cholponata.r5';
        const doc = await ctx.api(`/doc/${id}`);
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?doc=${id}`);
        const main = page.getByRole('main');
        // The document's own heading: the search view's (visually hidden)
        // "Search results" is a level-1 heading too, there before it.
        await main.locator('#doc-title').filter({ hasText: doc.title || id }).waitFor();
        const shown = await badges(main);
        assert.deepEqual(shown.map((b) => [b.country, b.status]),
                         doc.statuses.map((r) => [r.country, r.status]));
        // Tajikistan said it had no information; Uzbekistan never reported.
        assert.ok(shown.some((b) => b.country === 'Tajikistan' && b.status === 'no information'));
        assert.ok(shown.some((b) => b.country === 'Uzbekistan' && b.status === 'no information'));
        // The summary stands for the one status among the metadata.
        const row = main.locator('dl.metadata .meta-row')
            .filter({ has: page.locator('dt', { hasText: 'Implementation status' }) });
        assert.equal((await row.locator('dd').textContent()).trim(),
                     expectedSummary(doc.statuses));
        // Colour never alone: every badge's status is its text, with a class
        // for its colour that differs between statuses.
        const classes = await main.locator('.status-badge').evaluateAll(
            (items) => items.map((li) => [li.querySelector('.status-word').textContent,
                                          getComputedStyle(li).borderLeftColor]));
        const byStatus = new Map(classes);
        assert.notEqual(byStatus.get('implemented'), byStatus.get('no information'));
    });

    it('shows no badges for a document without countries\' statuses', async () => {
        const answer = await ctx.api('/search?type=workshop&per_page=5');
        assert.ok(answer.results.length > 0);
        assert.ok(answer.results.every((r) => r.statuses.length === 0));
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?type=workshop&per_page=5`);
        await lib.expectResults(page, answer);
        assert.equal(await lib.resultList(page).locator('.status-badge').count(), 0);
    });
});
