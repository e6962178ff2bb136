// schema.test.js - the page takes its filters and labels from GET /schema
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The page has no field list of its own: which filters it shows, in which
// order, under which legend and URL parameter, come from /schema. Here
// playwright changes the real server's /schema answer on its way to the page
// (page.route): a field the server does not have appears as a filter and its
// parameter reaches /search; a field left out is no filter; a new label shows
// in the filters and the document view. The server itself would answer 400 to
// the made-up parameter, so /search is routed too: the made-up parameter is
// recorded and taken off, and counts for the made-up field are added to the
// real answer. (The C side's own test adds a real field to the table.)
'use strict';

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

const RECOMMENDATION = 'ikd-2002-cholponata.r3';
const MESSAGE = 'The search service is not available right now. ' +
    'Please try again in a few minutes.';
const REGION = {
    name: 'region', label: 'Region', param: 'region', key: null, multiple: true,
    filter: true, facet: true, values: null,
};
const REGIONS = [{ value: 'Central Asia', count: 3 }, { value: 'West Africa', count: 2 }];

// Serve the page a /schema changed by 'edit' (given the real answer's fields).
async function editSchema(page, edit) {
    const seen = [];
    await page.route((url) => url.pathname === '/schema', async (route) => {
        seen.push(route.request().url());
        const response = await route.fetch();
        const json = await response.json();
        json.fields = edit(json.fields);
        await route.fulfill({ response, json });
    });
    return seen;
}

// Route /search: record each request's parameters; with 'name', take 'param'
// off before the real server sees it and add 'counts' as the facet 'name' to
// its answer.
async function routeSearch(page, name = null, param = null, counts = null) {
    const requests = [];
    await page.route((url) => url.pathname === '/search', async (route) => {
        const url = new URL(route.request().url());
        requests.push(new URLSearchParams(url.searchParams));
        if (param) url.searchParams.delete(param);
        const response = await route.fetch({ url: url.toString() });
        const json = await response.json();
        if (name && json.facets) json.facets[name] = counts;
        await route.fulfill({ response, json });
    });
    return requests;
}

// The legends of the filter fieldsets, but the page's own Date.
async function legends(page) {
    return (await lib.filters(page).locator('fieldset legend').allTextContents())
        .map((t) => t.trim()).filter((t) => t !== 'Date');
}

describe('filters from /schema', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('shows a field /schema adds, in its place, and sends its parameter', async () => {
        const schema = await ctx.api('/schema');
        const page = await ctx.page();
        const seen = await editSchema(page, (fields) => {
            const at = fields.findIndex((f) => f.name === 'meeting');
            return [...fields.slice(0, at), REGION, ...fields.slice(at)];
        });
        const requests = await routeSearch(page, 'region', 'region', REGIONS);
        await page.goto(`${ctx.base}/?q=trafficking`);
        await lib.waitForCount(page);

        const group = lib.facetGroup(page, 'Region');
        await group.waitFor();
        const shown = await legends(page);
        const order = schema.fields.filter((f) => f.filter).map((f) => f.label);
        order.splice(order.indexOf('Meeting'), 0, 'Region');
        assert.deepEqual(shown, order.filter((label) => shown.includes(label)),
                         'the fieldsets follow the order of /schema');
        assert.ok(shown.indexOf('Region') > shown.indexOf('Process') &&
                  (!shown.includes('Meeting') || shown.indexOf('Region') < shown.indexOf('Meeting')),
                  `Region sits where /schema puts it: ${shown.join(', ')}`);
        assert.deepEqual(await group.getByRole('checkbox').evaluateAll((boxes) =>
            boxes.map((b) => b.labels[0].textContent.trim())), ['Central Asia (3)', 'West Africa (2)']);

        await lib.facetCheckbox(page, 'Region', 'Central Asia').check();
        await lib.waitForParams(page, (p) => p.getAll('region').join() === 'Central Asia',
                                'gained region=Central Asia');
        const active = page.getByRole('list', { name: 'Active filters', exact: true });
        await active.getByRole('button', { name: 'Remove Region: Central Asia', exact: true })
            .waitFor();
        assert.ok(await lib.facetCheckbox(page, 'Region', 'Central Asia').isChecked());
        assert.ok(requests.some((p) => p.getAll('region').join() === 'Central Asia' &&
                                p.get('q') === 'trafficking'),
                  'the page sent region=Central Asia to /search');

        // A new query keeps the new filter, read back from the address.
        await lib.search(page, 'migration');
        await lib.waitForParams(page, (p) => p.get('region') === 'Central Asia',
                                'kept region=Central Asia');
        await lib.waitForCount(page);
        assert.equal(seen.length, 1, 'the page asks /schema once');
        assert.deepEqual(page.errors, []);
    });

    it('drops a field /schema leaves out, and shows the labels /schema gives', async () => {
        const page = await ctx.page();
        await editSchema(page, (fields) => fields.filter((f) => f.name !== 'process')
            .map((f) => (f.name === 'country' ? { ...f, label: 'Member State' } : f)));
        const requests = await routeSearch(page);
        await page.goto(`${ctx.base}/?q=registration&process=Issyk-Kul+Dialogue`);
        await lib.waitForCount(page);
        await lib.facetGroup(page, 'Member State').waitFor();
        const shown = await legends(page);
        assert.ok(!shown.includes('Process') && !shown.includes('Country'),
                  `no Process or Country filter: ${shown.join(', ')}`);
        assert.ok(requests.length > 0 && requests.every((p) => !p.has('process')),
                  'a parameter /schema does not name is never sent on');

        await lib.facetCheckbox(page, 'Member State', 'Kazakhstan').check();
        await page.getByRole('list', { name: 'Active filters', exact: true })
            .getByRole('button', { name: 'Remove Member State: Kazakhstan', exact: true }).waitFor();

        await page.goto(`${ctx.base}/?doc=${RECOMMENDATION}`);
        const terms = page.getByRole('main').locator('dl dt');
        await terms.first().waitFor();
        const names = (await terms.allTextContents()).map((t) => t.trim());
        assert.ok(names.includes('Member State'), `the document view says Member State: ${names}`);
        assert.ok(!names.includes('Process') && !names.includes('Country'),
                  `and shows no field /schema left out: ${names}`);
        assert.deepEqual(page.errors, []);
    });

    it('says the service is down when /schema fails', async () => {
        const page = await ctx.page();
        await page.route((url) => url.pathname === '/schema', (route) => route.fulfill({
            status: 503, contentType: 'application/json',
            body: '{"error":{"code":"unavailable","message":"index not open"}}',
        }));
        await page.goto(`${ctx.base}/?q=trafficking`);
        const alert = page.getByRole('alert');
        await alert.filter({ hasText: MESSAGE }).waitFor();
        assert.equal(await lib.resultList(page).count(), 0, 'no results without the schema');
        assert.ok(await lib.filters(page).isHidden(), 'no filters without the schema');

        await page.goto(`${ctx.base}/?doc=${RECOMMENDATION}`);
        await page.getByRole('heading', { level: 1, name: 'Document not available' }).waitFor();
        await alert.filter({ hasText: MESSAGE }).waitFor();
        assert.deepEqual(page.errors, [], 'the failure is handled, not thrown');
    });

    it('keeps a query typed while /schema is still on its way', async () => {
        // The first view waits for /schema; a delegate who types meanwhile
        // must find the words still in the box when it arrives, and get
        // that search on Enter.
        const page = await ctx.page();
        let release;
        const held = new Promise((resolve) => {
            release = resolve;
        });
        await page.route((url) => url.pathname === '/schema', async (route) => {
            await held;
            await route.continue();
        });
        await page.goto(`${ctx.base}/`);
        const box = lib.searchBox(page);
        await box.fill('trafficking');
        const arrived = page.waitForResponse((r) => new URL(r.url()).pathname === '/schema');
        release();
        await arrived;
        await page.waitForTimeout(200); // the first view is drawn now
        assert.equal(await box.inputValue(), 'trafficking', 'the typing is kept');
        await box.press('Enter');
        await page.waitForURL((url) => url.searchParams.get('q') === 'trafficking');
        await lib.waitForCount(page);
        assert.ok(await lib.resultList(page).getByRole('listitem').count() > 0, 'results');
        assert.deepEqual(page.errors, []);
    });
});
