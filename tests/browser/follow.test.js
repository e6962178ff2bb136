// follow.test.js - following a search, the page on a phone, long filters, browsing
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Expected values come from the JSON API of the same servers (facet counts,
// the feed), never from the page's own output.
'use strict';

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

const PHONE = { width: 360, height: 740 };

// Case and accents aside, as a reader types in a filter box.
function fold(text) {
    return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

async function inViewport(locator, height) {
    const box = await locator.boundingBox();
    return !!box && box.y >= 0 && box.y + box.height <= height;
}

describe('following and browsing', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('on a phone, "Filters (n)" opens the filters and a change brings the results back',
       async () => {
        const page = await ctx.page({ viewport: PHONE });
        await page.goto(`${ctx.base}/?q=trafficking`);
        await lib.waitForCount(page);
        const button = page.getByRole('button', { name: /^Filters \(\d+\)$/ });
        assert.equal((await button.textContent()).trim(), 'Filters (0)');
        assert.ok(await inViewport(button, PHONE.height), 'the button is on the first screen');
        const buttonBox = await button.boundingBox();
        const listBox = await lib.resultList(page).boundingBox();
        assert.ok(buttonBox.y < listBox.y, 'the button comes before the results');
        assert.equal(await lib.filters(page).isVisible(), false, 'the filters start closed');
        assert.equal(await button.getAttribute('aria-expanded'), 'false');

        await button.click();
        assert.equal(await button.getAttribute('aria-expanded'), 'true');
        await lib.filters(page).waitFor({ state: 'visible' });
        const asideBox = await lib.filters(page).boundingBox();
        assert.ok(asideBox.y < (await lib.resultList(page).boundingBox()).y,
                  'the open filters sit above the results');

        const answer = await ctx.api('/search?q=trafficking');
        const country = answer.facets.country[0].value;
        const box = lib.facetCheckbox(page, 'Country', country);
        await box.scrollIntoViewIfNeeded();
        await box.click();
        await lib.waitForParams(page, (p) => p.get('country') === country, 'gained the country');
        await lib.expectResults(page,
            await ctx.api(`/search?q=trafficking&country=${encodeURIComponent(country)}`));
        await page.waitForFunction(() => document.activeElement
            && document.activeElement.id === 'results-status');
        assert.equal(await lib.filters(page).isVisible(), false, 'the filters closed');
        assert.equal((await button.textContent()).trim(), 'Filters (1)');
        assert.equal(await button.getAttribute('aria-expanded'), 'false');
        assert.ok(await inViewport(lib.resultStatus(page).first(), PHONE.height),
                  'the results heading is in view');
        const first = lib.resultList(page).getByRole('listitem').first();
        const firstBox = await first.boundingBox();
        assert.ok(firstBox.y < PHONE.height, 'the first result starts on screen');

        // "Show results" closes the filters without a change.
        await button.click();
        await page.getByRole('button', { name: 'Show results', exact: true }).click();
        assert.equal(await lib.filters(page).isVisible(), false);
        assert.deepEqual(page.errors, []);
    });

    it('keeps the two columns on a wide screen', async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?q=trafficking`);
        await lib.waitForCount(page);
        assert.equal(await page.getByRole('button', { name: /^Filters \(\d+\)$/ }).isVisible(),
                     false);
        assert.ok(await lib.filters(page).isVisible(), 'the filters are shown beside the results');
        const aside = await lib.filters(page).boundingBox();
        const list = await lib.resultList(page).boundingBox();
        assert.ok(aside.x > list.x + list.width - 1, 'the filters are to the right');
    });

    it('gives a long facet "Show more" and a box that narrows its values', async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?q=`);
        await lib.waitForCount(page);
        const all = (await ctx.api('/search?q=')).facets.country.map((r) => r.value);
        assert.ok(all.length > 10, `the sample has ${all.length} countries: not a long facet`);
        const group = lib.facetGroup(page, 'Country');
        const boxes = group.getByRole('checkbox');
        const visible = async () => (await boxes.evaluateAll((els) => els.filter(
            (el) => el.offsetParent !== null).map((el) => el.value)));
        // A short facet is left as it is.
        const themes = (await ctx.api('/search?q=')).facets.theme.length;
        if (themes <= 10) {
            assert.equal(await lib.facetGroup(page, 'Theme').getByRole('button').count(), 0);
            assert.equal(await lib.facetGroup(page, 'Theme').getByRole('searchbox').count(), 0);
        }
        assert.deepEqual(await visible(), all.slice(0, 8), 'the 8 most frequent first');
        const more = group.getByRole('button', { name: `Show ${all.length - 8} more` });
        assert.equal(await more.getAttribute('aria-expanded'), 'false');
        await more.click();
        assert.deepEqual(await visible(), all, 'then every value');
        const fewer = group.getByRole('button', { name: 'Show fewer' });
        assert.equal(await fewer.getAttribute('aria-expanded'), 'true');
        await fewer.click();
        assert.equal((await visible()).length, 8);

        const find = group.getByRole('searchbox', { name: 'Find a country' });
        for (const typed of ['stan', 'cote', 'GH']) {
            await find.fill(typed);
            const expected = all.filter((v) => fold(v).includes(fold(typed)));
            assert.deepEqual(await visible(), expected, `values containing "${typed}"`);
        }
        // What was typed stays while the filters are drawn again.
        await find.fill('stan');
        const target = all.find((v) => fold(v).includes('stan'));
        await lib.facetCheckbox(page, 'Country', target).click();
        await lib.waitForParams(page, (p) => p.get('country') === target, 'gained the country');
        await lib.expectCount(page, (await ctx.api(
            `/search?q=&country=${encodeURIComponent(target)}`)).total.estimate);
        assert.equal(await lib.facetGroup(page, 'Country')
            .getByRole('searchbox', { name: 'Find a country' }).inputValue(), 'stan');
    });

    it('offers "Follow this search" with the feed address, and that feed is Atom', async () => {
        const page = await ctx.page();
        const query = 'q=trafficking&country=Kyrgyzstan';
        await page.goto(`${ctx.base}/?${query}`);
        await lib.waitForCount(page);
        const follow = page.getByRole('button', { name: 'Follow this search', exact: true });
        assert.equal(await follow.getAttribute('aria-expanded'), 'false');
        const address = page.getByRole('textbox', { name: 'Feed address' });
        assert.equal(await address.isVisible(), false, 'the panel starts closed');
        await follow.click();
        assert.equal(await follow.getAttribute('aria-expanded'), 'true');
        await address.waitFor();
        const url = await address.inputValue();
        assert.equal(url, `${ctx.base}/feed?${query}`);
        await page.getByText(/feed reader/).first().waitFor();
        await page.getByRole('button', { name: 'Copy address' }).click();
        await page.getByText(/Address copied|Copy the selected address/).waitFor();

        // The feed it names: well-formed Atom whose entries link to the page.
        const checked = await page.evaluate(async (feedUrl) => {
            const response = await fetch(feedUrl);
            const text = await response.text();
            const doc = new DOMParser().parseFromString(text, 'application/xml');
            const root = doc.documentElement;
            const atom = 'http://www.w3.org/2005/Atom';
            const kids = (node, name) => [...node.children].filter(
                (c) => c.namespaceURI === atom && c.localName === name);
            return {
                type: response.headers.get('content-type'),
                error: doc.getElementsByTagName('parsererror').length > 0,
                root: `${root.namespaceURI} ${root.localName}`,
                head: ['id', 'title', 'updated'].every((n) => kids(root, n).length === 1),
                alternate: kids(root, 'link').filter((l) => l.getAttribute('rel') === 'alternate')
                    .map((l) => l.getAttribute('href')),
                entries: kids(root, 'entry').map((e) => ({
                    complete: ['id', 'title', 'updated'].every((n) => kids(e, n).length === 1),
                    href: kids(e, 'link')[0] && kids(e, 'link')[0].getAttribute('href'),
                })),
            };
        }, url);
        assert.match(checked.type, /^application\/atom\+xml/);
        assert.equal(checked.error, false, 'the feed parses as XML');
        assert.equal(checked.root, 'http://www.w3.org/2005/Atom feed');
        assert.ok(checked.head, 'the feed has one id, title and updated');
        assert.deepEqual(checked.alternate, [`/?${query}`]);
        const hits = await ctx.api(`/search?${query}&sort=added&per_page=20`);
        assert.equal(checked.entries.length, hits.results.length);
        checked.entries.forEach((e, i) => {
            assert.ok(e.complete, `entry ${i} has id, title and updated`);
            assert.equal(e.href, `/?doc=${encodeURIComponent(hits.results[i].id)}`);
        });
        // An entry's link opens the document on the page.
        await page.goto(new URL(checked.entries[0].href, url).href);
        await page.getByRole('heading', { level: 1, name: hits.results[0].title }).waitFor();
        // Its details say when it was added, as a day.
        const doc = await ctx.api(`/doc/${encodeURIComponent(hits.results[0].id)}`);
        const added = page.locator('dt', { hasText: /^Added$/ })
            .locator('xpath=following-sibling::dd').locator('time');
        assert.equal(await added.getAttribute('datetime'), doc.added.slice(0, 10));
    });

    it('offers processes, meetings, themes and countries with counts on the empty page',
       async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/`);
        const browse = page.getByRole('region', { name: 'Browse the archive' });
        await browse.waitFor();
        const answer = await ctx.api('/search?q=&per_page=1&facets=1');
        const schema = await ctx.api('/schema');
        for (const name of ['process', 'meeting', 'theme', 'country']) {
            const field = schema.fields.find((f) => f.name === name);
            const group = browse.getByRole('region', { name: field.label, exact: true });
            const shown = await group.getByRole('listitem').evaluateAll((items) => items.map(
                (li) => ({ text: li.querySelector('a').textContent,
                           count: li.querySelector('.count').textContent,
                           href: li.querySelector('a').getAttribute('href') })));
            const expected = answer.facets[name].map((r) => ({
                text: r.label || r.value,
                count: `(${r.count})`,
                href: `/?${new URLSearchParams([[field.param, r.value]])}`,
            }));
            assert.deepEqual(shown, expected, `${name}: the API's facet rows`);
        }
        // A value leads to the search filtered on it, with that many results.
        const row = answer.facets.process[0];
        await browse.getByRole('link', { name: row.label || row.value, exact: true }).click();
        await lib.expectCount(page, row.count);
        assert.deepEqual(page.errors, []);
    });
});
