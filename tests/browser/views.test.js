// views.test.js - the meeting view and the country view: tables, links, downloads, axe
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// What the page shows is compared with what GET /meeting/{id} and GET
// /country/{name} answer (whose tables tests/integration/test_views_api.c
// checks against the archive files).
'use strict';

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

const AXE = require.resolve('axe-core/axe.min.js');
const MEETING = 'ikd-2002-cholponata';
const TABLE = 'Status reported by each country, by recommendation';

describe('meeting and country views', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('shows the matrix of a meeting as the API gives it', async () => {
        const data = await ctx.api(`/meeting/${MEETING}`);
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?meeting_view=${MEETING}`);
        const main = page.getByRole('main');
        await main.getByRole('heading', { level: 1, name: data.meeting.title }).waitFor();

        const table = main.getByRole('table', { name: TABLE });
        const headers = (await table.locator('thead th').allTextContents()).map((t) => t.trim());
        assert.deepEqual(headers, ['Recommendation', ...data.countries.map((c) => c.name),
                                   'Summary']);
        const rows = table.locator('tbody tr');
        assert.equal(await rows.count(), data.recommendations.length);
        for (const [i, r] of data.recommendations.entries()) {
            const row = rows.nth(i);
            const link = row.getByRole('rowheader').getByRole('link');
            assert.equal(await link.getAttribute('href'), `/?doc=${encodeURIComponent(r.id)}`);
            const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
            for (const [k, cell] of r.cells.entries()) {
                if (cell) assert.equal(cells[k], cell.status, `${r.id}, ${data.countries[k].name}`);
                else assert.match(cells[k], /not concerned/, `${r.id}, ${data.countries[k].name}`);
            }
            const implemented = r.cells.filter((c) => c && c.status === 'implemented').length;
            const concerned = r.cells.filter((c) => c).length;
            assert.match(cells[r.cells.length],
                         new RegExp(`^${implemented} of ${concerned} countr(y|ies) implemented$`));
        }
        // Badges carry the words, so colour is never the only signal.
        assert.ok(await table.locator('.status-badge', { hasText: 'no information' }).count() > 0);
        assert.deepEqual(page.errors, []);
        assert.deepEqual(page.consoleErrors, []);
        assert.deepEqual(page.foreign, []);
    });

    it('offers the CSV and JSON downloads of the table', async () => {
        const data = await ctx.api(`/meeting/${MEETING}`);
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?meeting_view=${MEETING}`);
        const csv = page.getByRole('link', { name: 'Download CSV' });
        const json = page.getByRole('link', { name: 'Download JSON' });
        await csv.waitFor();
        assert.equal(await csv.getAttribute('href'), data.meeting.csv_url);
        assert.equal(await csv.getAttribute('download'), `${MEETING}.csv`);
        assert.equal(await json.getAttribute('download'), `${MEETING}.json`);

        const [download] = await Promise.all([page.waitForEvent('download'), csv.click()]);
        const text = require('node:fs').readFileSync(await download.path(), 'utf8');
        const lines = text.split('\r\n').filter((l) => l !== '');
        assert.equal(lines.length, data.recommendations.length + 1);
        assert.ok(lines[0].startsWith('id,number,title,'));

        const response = await fetch(`${ctx.base}${await json.getAttribute('href')}`);
        assert.deepEqual(await response.json(), data);
    });

    it('links a recommendation, its meeting table and its countries both ways', async () => {
        const page = await ctx.page();
        const doc = await ctx.api(`/doc/${MEETING}.r2`);
        // From a result to the table of its meeting.
        await page.goto(`${ctx.base}/?q=&meeting=${MEETING}&type=recommendation`);
        await lib.waitForCount(page);
        await lib.resultList(page).getByRole('link', { name: 'Implementation table of the meeting' })
            .first().click();
        await lib.waitForParams(page, (p) => p.get('meeting_view') === MEETING,
                                'opened the meeting view');
        const table = page.getByRole('table', { name: TABLE });
        await table.waitFor();

        // From the table to a recommendation, and back to the table.
        await table.getByRole('link', { name: new RegExp(`^2\\. `) }).click();
        await lib.waitForParams(page, (p) => p.get('doc') === `${MEETING}.r2`, 'opened r2');
        await page.getByRole('heading', { level: 1, name: doc.title }).waitFor();
        await page.getByRole('link', { name: 'Implementation table of the meeting' }).click();
        await lib.waitForParams(page, (p) => p.get('meeting_view') === MEETING, 'back at the table');

        // From a country's column to its view.
        await page.getByRole('table', { name: TABLE }).getByRole('columnheader')
            .getByRole('link', { name: 'Kyrgyzstan', exact: true }).click();
        await lib.waitForParams(page, (p) => p.get('country_view') === 'Kyrgyzstan',
                                'opened the country view');
        await page.getByRole('heading', { level: 1, name: 'Kyrgyzstan' }).waitFor();

        // The document view's Country row: each country by its name, a link
        // to its view, separated by commas (a report names several).
        const report = await ctx.api('/doc/crs-2002-ikd-country-reports-evaluation');
        assert.ok(report.countries.length > 1, 'a document with several countries');
        await page.goto(`${ctx.base}/?doc=crs-2002-ikd-country-reports-evaluation`);
        const row = page.locator('.meta-row').filter({ has: page.locator('dt', { hasText: /^Country$/ }) });
        await row.waitFor();
        assert.equal((await row.locator('dd').innerText()).trim(), report.countries.join(', '));
        assert.deepEqual(await row.locator('dd a').allInnerTexts(), report.countries);

        // The document view's implementation table links its countries too.
        await page.goto(`${ctx.base}/?doc=${MEETING}.r2`);
        const impl = page.getByRole('table', { name: 'Implementation by country' });
        await impl.getByRole('link', { name: 'Tajikistan', exact: true }).click();
        await lib.waitForParams(page, (p) => p.get('country_view') === 'Tajikistan',
                                'the document links its country');
        assert.deepEqual(page.errors, []);
    });

    it('shows a country: every recommendation by meeting, status and reports', async () => {
        const data = await ctx.api('/country/Kyrgyzstan');
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?country_view=Kyrgyzstan`);
        const main = page.getByRole('main');
        await main.getByRole('heading', { level: 1, name: 'Kyrgyzstan' }).waitFor();
        const sections = main.locator('article.country-view section');
        assert.equal(await sections.count(), data.meetings.length);
        for (const [i, m] of data.meetings.entries()) {
            const section = sections.nth(i);
            const heading = (await section.getByRole('heading', { level: 2 }).textContent()).trim();
            assert.equal(heading, m.title || `Meeting ${m.id}`);
            const rows = section.locator('tbody tr');
            assert.equal(await rows.count(), m.recommendations.length);
            for (const [k, r] of m.recommendations.entries()) {
                const status = (await rows.nth(k).locator('td').first().textContent()).trim();
                assert.equal(status, r.status, r.id);
                const reports = await rows.nth(k).locator('td').nth(1).locator('li').count();
                assert.equal(reports, r.reports.length, `${r.id}: its reports`);
            }
        }
        assert.deepEqual(page.errors, []);
    });

    it('says so for an unknown meeting', async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?meeting_view=no-such-meeting`);
        await page.getByRole('heading', { level: 1, name: 'Meeting not found' }).waitFor();
    });

    for (const [name, url] of [['meeting', `/?meeting_view=${MEETING}`],
                               ['country', '/?country_view=Kyrgyzstan']]) {
        it(`passes axe-core on the ${name} view`, async (t) => {
            const page = await ctx.page({ bypassCSP: true });
            await page.goto(`${ctx.base}${url}`);
            await page.getByRole('heading', { level: 1 }).waitFor();
            await page.locator('table').first().waitFor();
            await page.addScriptTag({ path: AXE });
            const result = await page.evaluate(() => window.axe.run(document, {
                runOnly: { type: 'tag',
                           values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
            }));
            assert.ok(result.passes.length >= 10);
            const violations = result.violations.map(
                (v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
            for (const v of violations) t.diagnostic(v);
            assert.deepEqual(violations, []);
        });
    }
});
