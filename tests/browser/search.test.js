// search.test.js - searching, facets, sort, pages, did-you-mean, completions, no results
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Every expected number comes from the JSON API of the same servers, asked
// with the same parameters as the page's URL, so the tests check that the
// page shows what the API answers rather than figures copied from the sample
// archive.
'use strict';

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

describe('search page', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('searches on Enter and shows the count, results, snippets and the query in the URL',
       async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/`);
        await page.getByRole('banner').getByText('Migration archive search').waitFor();
        await page.getByRole('search').getByRole('button', { name: 'Search', exact: true })
            .waitFor();
        await lib.search(page, 'trafficking');

        const answer = await ctx.api('/search?q=trafficking');
        assert.ok(answer.total.estimate > 1, 'the sample archive has trafficking documents');
        await lib.expectResults(page, answer);
        assert.match(await lib.resultStatus(page).first().textContent(), /\bms\b/,
                     'the status gives the time taken');
        const first = lib.resultList(page).getByRole('listitem').first();
        assert.equal((await first.getByRole('heading', { level: 2 }).textContent()).trim(),
                     answer.results[0].title);
        assert.ok(await lib.resultList(page).locator('mark').count() > 0,
                  'snippets are inserted as HTML, with <mark>');
        assert.equal(await lib.resultList(page).getByText('<mark>').count(), 0,
                     'no snippet shows its markup as text');
        assert.equal(new URL(page.url()).searchParams.get('q'), 'trafficking');

        await page.getByRole('button', { name: 'Follow this search', exact: true }).click();
        const href = new URL(await page.getByRole('textbox', { name: 'Feed address' })
            .inputValue());
        assert.equal(href.pathname, '/feed');
        assert.equal(href.searchParams.get('q'), 'trafficking');

        assert.deepEqual(page.foreign, [], 'the page loads nothing from other hosts');
        assert.deepEqual(page.errors, [], 'no script errors');
        assert.deepEqual(page.consoleErrors.filter((m) => /Content.Security.Policy/i.test(m)), [],
                         'nothing breaks the Content-Security-Policy nginx sends');
        const policy = (await fetch(`${ctx.base}/`)).headers.get('content-security-policy');
        assert.match(policy || '', /default-src 'self'/, 'nginx sends a strict CSP');
        const handlers = await page.evaluate(() => [...document.querySelectorAll('*')]
            .flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name))
                .map((a) => `${el.tagName.toLowerCase()}[${a.name}]`)));
        assert.deepEqual(handlers, [], 'no inline event handlers (CSP)');
        const inline = await page.evaluate(() => [...document.scripts]
            .filter((s) => !s.src && s.textContent.trim()).length);
        assert.equal(inline, 0, 'no inline scripts (CSP)');
    });

    it('links PDF snippets to their pages', async () => {
        const answer = await ctx.api('/search?q=implementation');
        const pdf = answer.results.find((r) => r.snippets.some((s) => s.page));
        assert.ok(pdf, 'the sample PDF has a snippet with a page for "implementation"');
        const pages = pdf.snippets.filter((s) => s.page).map((s) => s.page);

        const page = await ctx.page();
        await page.goto(`${ctx.base}/?q=implementation`);
        await lib.expectCount(page, answer.total.estimate);
        const item = lib.resultList(page).getByRole('listitem')
            .filter({ has: page.locator(`a[href="/?doc=${pdf.id}"]`) });
        for (const n of pages) {
            const link = item.getByRole('link', { name: `page ${n}`, exact: true });
            assert.equal(await link.getAttribute('href'), `/doc/${pdf.id}/file#page=${n}`);
        }
    });

    it('filters by facets: one value, a second one (OR), removing one, a date range, sort',
       async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/`);
        await lib.search(page, 'trafficking');
        const all = await ctx.api('/search?q=trafficking');
        await lib.expectResults(page, all);

        // The first country value, and a second one that widens the results.
        const [a] = all.facets.country;
        const withA = await ctx.api(`/search?q=trafficking&country=${encodeURIComponent(a.value)}`);
        assert.equal(withA.total.estimate, a.count);
        let b = null;
        let both = null;
        for (const candidate of withA.facets.country) {
            if (candidate.value === a.value) continue;
            const answer = await ctx.api(`/search?q=trafficking&country=${encodeURIComponent(
                a.value)}&country=${encodeURIComponent(candidate.value)}`);
            if (answer.total.estimate > a.count) {
                b = candidate;
                both = answer;
                break;
            }
        }
        assert.ok(b, 'the sample archive has two countries whose union is larger');

        const boxA = lib.facetGroup(page, 'Country')
            .getByRole('checkbox', { name: `${a.value} (${a.count})`, exact: true });
        await boxA.check();
        await lib.waitForParams(page, (p) => p.getAll('country').includes(a.value),
                                `gained country=${a.value}`);
        await lib.expectCount(page, a.count);
        await lib.expectResults(page, withA);
        assert.ok(await lib.facetCheckbox(page, 'Country', a.value).isChecked());

        await lib.facetCheckbox(page, 'Country', b.value).check();
        await lib.waitForParams(page, (p) => p.getAll('country').length === 2,
                                'held two countries');
        await lib.expectResults(page, both);
        assert.ok(both.total.estimate > a.count, 'a second value of a field widens (OR)');

        const active = page.getByRole('list', { name: 'Active filters', exact: true });
        await active.getByRole('button', { name: `Remove Country: ${a.value}`, exact: true })
            .click();
        await lib.waitForParams(page, (p) => p.getAll('country').join() === b.value,
                                `held only country=${b.value}`);
        const onlyB = await ctx.api(lib.apiQuery(page));
        await lib.expectResults(page, onlyB);
        assert.equal(await active.getByRole('button', { name: `Remove Country: ${a.value}` })
            .count(), 0);

        // Back to one country filter plus a date range.
        await page.getByLabel('From year', { exact: true }).fill('2002');
        await page.getByLabel('From year', { exact: true }).press('Enter');
        await page.getByLabel('To year', { exact: true }).fill('2004');
        await page.getByLabel('To year', { exact: true }).press('Enter');
        await lib.waitForParams(page, (p) => p.get('from') === '2002' && p.get('to') === '2004',
                                'gained from=2002&to=2004');
        const ranged = await ctx.api(lib.apiQuery(page));
        await lib.expectResults(page, ranged);
        for (const r of ranged.results)
            assert.ok(r.date >= '2002' && r.date < '2005', `${r.id} is dated ${r.date}`);

        // Newest first, on everything that mentions trafficking.
        await active.getByRole('button', { name: `Remove Country: ${b.value}`, exact: true })
            .click();
        await lib.waitForParams(page, (p) => !p.has('country'), 'lost country');
        await page.getByLabel('Sort by', { exact: true }).selectOption({ label: 'Newest first' });
        await lib.waitForParams(page, (p) => p.get('sort') === 'newest', 'gained sort=newest');
        const newest = await ctx.api(lib.apiQuery(page));
        await lib.expectResults(page, newest);
        const ids = await lib.resultIds(page);
        const dates = ids.map((id) => newest.results.find((r) => r.id === id).date);
        assert.ok(dates.length > 2);
        for (let i = 1; i < dates.length; i++)
            assert.ok(dates[i - 1] >= dates[i], `dates descend: ${dates.join(', ')}`);
    });

    it('pages through results with Next, Page N and Previous', async () => {
        const one = await ctx.api('/search?q=migration');
        assert.ok(one.total.estimate > 2 * one.per_page, 'migration has more than two pages');
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?q=migration`);
        await lib.expectResults(page, one);
        const ids1 = await lib.resultIds(page);
        const nav = lib.pagesNav(page);
        const current = async () => nav.locator('[aria-current="page"]').textContent();
        assert.match(await current(), /\b1\b/);

        await nav.getByRole('link', { name: 'Next page', exact: true }).click();
        await lib.waitForParams(page, (p) => p.get('page') === '2', 'gained page=2');
        const two = await ctx.api('/search?q=migration&page=2');
        await lib.expectResults(page, two);
        const ids2 = await lib.resultIds(page);
        assert.equal(ids2.filter((id) => ids1.includes(id)).length, 0, 'page 2 is new results');
        assert.equal(await nav.getByRole('link', { name: 'Page 2', exact: true })
            .getAttribute('aria-current'), 'page');
        assert.equal(await nav.locator('[aria-current="page"]').count(), 1);

        await nav.getByRole('link', { name: 'Previous page', exact: true }).click();
        await lib.waitForParams(page, (p) => (p.get('page') || '1') === '1', 'went to page 1');
        await lib.expectResults(page, one);
        assert.equal(await nav.getByRole('link', { name: 'Page 1', exact: true })
            .getAttribute('aria-current'), 'page');

        await nav.getByRole('link', { name: 'Page 3', exact: true }).click();
        await lib.waitForParams(page, (p) => p.get('page') === '3', 'gained page=3');
        const three = await ctx.api('/search?q=migration&page=3');
        await lib.expectResults(page, three);
        assert.equal(await nav.getByRole('link', { name: 'Page 3', exact: true })
            .getAttribute('aria-current'), 'page');
    });

    it('offers "Did you mean" for a misspelt query', async () => {
        const answer = await ctx.api('/search?q=trafficing');
        assert.equal(answer.did_you_mean, 'trafficking');
        const page = await ctx.page();
        await page.goto(`${ctx.base}/`);
        await lib.search(page, 'trafficing');
        const hint = page.getByRole('paragraph').filter({ hasText: 'Did you mean' });
        const link = hint.getByRole('link', { name: 'trafficking' });
        await link.click();
        await lib.waitForParams(page, (p) => p.get('q') === 'trafficking', 'gained q=trafficking');
        const fixed = await ctx.api('/search?q=trafficking');
        await lib.expectResults(page, fixed);
    });

    it('completes what is typed from /suggest', async () => {
        const { suggestions } = await ctx.api('/suggest?q=remit');
        assert.ok(suggestions.length > 0);
        const page = await ctx.page();
        await page.goto(`${ctx.base}/`);
        const box = lib.searchBox(page);
        await box.click();
        await box.pressSequentially('remit', { delay: 30 });
        const listbox = page.getByRole('listbox', { name: 'Suggestions', exact: true });
        await listbox.waitFor();
        assert.equal(await box.getAttribute('aria-controls'),
                     await listbox.getAttribute('id'), 'the combobox controls the listbox');
        const options = listbox.getByRole('option');
        await page.waitForFunction((n) => document.querySelectorAll('[role="option"]').length === n,
                                   suggestions.length);
        assert.deepEqual((await options.allTextContents()).map((t) => t.trim()), suggestions);

        await options.filter({ hasText: suggestions[0] }).first().click();
        await page.waitForFunction((value) =>
            document.querySelector('[role="combobox"]').value === value, suggestions[0]);
    });

    it('says "No documents match" for a word that is nowhere', async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/`);
        await lib.search(page, 'zqxvwkj');
        await page.getByRole('heading', { name: 'No documents match' }).waitFor();
        assert.equal(await lib.resultList(page).getByRole('listitem').count(), 0);
        assert.match(await page.getByRole('main').textContent(), /spelling/i,
                     'it suggests checking the spelling');
    });
});
