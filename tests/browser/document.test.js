// document.test.js - the document view, and Back and Forward between it and the results
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
'use strict';

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

const RECOMMENDATION = 'ikd-2002-cholponata.r3';
const QUERY = 'registration';

describe('document view', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    // From the results of QUERY filtered by Kazakhstan, open RECOMMENDATION.
    async function openFromResults(page) {
        await page.goto(`${ctx.base}/?q=${QUERY}&country=Kazakhstan`);
        const answer = await ctx.api(`/search?q=${QUERY}&country=Kazakhstan`);
        assert.ok(answer.results.some((r) => r.id === RECOMMENDATION),
                  `${RECOMMENDATION} is found by "${QUERY}"`);
        await lib.expectResults(page, answer);
        await lib.resultList(page).locator(`h2 a[href="/?doc=${RECOMMENDATION}"]`).click();
        await lib.waitForParams(page, (p) => p.get('doc') === RECOMMENDATION,
                                `gained doc=${RECOMMENDATION}`);
        return answer;
    }

    it('shows a recommendation: title, metadata, text, implementation, citation, related',
       async () => {
        const doc = await ctx.api(`/doc/${RECOMMENDATION}`);
        const similar = await ctx.api(`/similar/${RECOMMENDATION}`);
        const page = await ctx.page();
        await openFromResults(page);

        const main = page.getByRole('main');
        const h1 = main.getByRole('heading', { level: 1 });
        await h1.filter({ hasText: doc.title }).waitFor();
        assert.equal((await h1.textContent()).trim(), doc.title);
        assert.ok(await main.locator('dl dt').count() >= 3, 'a definition list of metadata');
        assert.ok(await main.locator('dl').filter({ hasText: doc.date }).count() > 0 ||
                  await main.locator('dl').filter({ hasText: doc.date.slice(0, 4) }).count() > 0,
                  'the metadata shows the date');
        assert.ok(await main.locator('mark').filter({ hasText: /registration/i }).count() > 0,
                  'the query terms are highlighted in the text');

        assert.ok(await main.locator(`a[href="/?meeting=${doc.meeting}"]`).count() > 0,
                  'a link to the documents of its meeting');

        const table = main.getByRole('table', { name: 'Implementation by country' });
        const headers = (await table.getByRole('columnheader').allTextContents())
            .map((t) => t.trim());
        assert.deepEqual(headers, ['Country', 'Status', 'Obstacles', 'Reported']);
        const rows = table.locator('tbody tr');
        assert.equal(await rows.count(), doc.implementation.length);
        for (const [i, report] of doc.implementation.entries()) {
            const text = await rows.nth(i).textContent();
            assert.ok(text.includes(report.country), `row ${i} names ${report.country}`);
            assert.ok(text.includes(report.status), `row ${i} gives ${report.status}`);
        }

        const permalink = main.getByRole('link', { name: 'Permalink', exact: true });
        const href = new URL(await permalink.getAttribute('href'), ctx.base);
        assert.equal(href.searchParams.get('doc'), RECOMMENDATION);

        const cite = main.locator('section')
            .filter({ has: page.getByRole('heading', { name: 'Cite this document' }) });
        const citation = await cite.locator('p, pre').allTextContents();
        assert.ok(citation.some((t) => t.includes(RECOMMENDATION)),
                  `the citation names ${RECOMMENDATION}: ${JSON.stringify(citation)}`);
        await cite.getByRole('button', { name: 'Copy citation', exact: true }).waitFor();
        assert.equal(doc.file, null);
        assert.equal(await main.getByRole('link', { name: 'Original file' }).count(), 0,
                     'no file link for a document without a file');

        const related = main.locator('section')
            .filter({ has: page.getByRole('heading', { name: 'Related documents' }) });
        const first = similar.results[0];
        await related.locator(`a[href="/?doc=${first.id}"]`).first().waitFor();
        assert.ok(await related.getByRole('link').count() >= Math.min(3, similar.results.length));
        assert.deepEqual(page.errors, []);
    });

    it('links a document with a file to the original', async () => {
        const answer = await ctx.api('/search?q=implementation');
        const withFile = answer.results.find((r) => r.snippets.some((s) => s.page));
        const doc = await ctx.api(`/doc/${withFile.id}`);
        assert.equal(doc.file, `/doc/${withFile.id}/file`);
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?doc=${withFile.id}`);
        await page.getByRole('heading', { level: 1, name: doc.title }).waitFor();
        const link = page.getByRole('link', { name: 'Original file' });
        assert.equal(await link.getAttribute('href'), doc.file);
        const response = await fetch(`${ctx.base}${doc.file}`);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-type'), 'application/pdf');
    });

    it('goes Back to the same results and filters, and Forward to the document', async () => {
        const doc = await ctx.api(`/doc/${RECOMMENDATION}`);
        const page = await ctx.page();
        const answer = await openFromResults(page);
        await page.getByRole('heading', { level: 1, name: doc.title }).waitFor();

        await page.goBack();
        await lib.waitForParams(page, (p) => !p.has('doc') && p.get('q') === QUERY &&
                                p.getAll('country').join() === 'Kazakhstan',
                                `went back to q=${QUERY}&country=Kazakhstan`);
        await lib.expectResults(page, answer);
        assert.equal(await lib.searchBox(page).inputValue(), QUERY);
        assert.ok(await lib.facetCheckbox(page, 'Country', 'Kazakhstan').isChecked());
        assert.equal(await page.getByRole('heading', { level: 1, name: doc.title }).count(), 0);

        await page.goForward();
        await lib.waitForParams(page, (p) => p.get('doc') === RECOMMENDATION,
                                'went forward to the document');
        await page.getByRole('heading', { level: 1, name: doc.title }).waitFor();

        // "Back to results" does what Back does when coming from results.
        await page.getByRole('link', { name: 'Back to results', exact: true }).click();
        await lib.waitForParams(page, (p) => !p.has('doc') && p.get('q') === QUERY,
                                'went back to the results');
        await lib.expectResults(page, answer);
    });
});
