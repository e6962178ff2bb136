// access.test.js - a 360-pixel screen, keyboard only, and the axe-core audit
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// axe-core is injected into the page and run with the WCAG 2.0/2.1 A and AA
// rules plus its best practices. Violations of impact "serious" or
// "critical" fail the test; every violation, whatever its impact, is printed
// as a test diagnostic and written to accessibility.json in the output
// directory, so minor ones are visible without failing the build.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

const RECOMMENDATION = 'ikd-2002-cholponata.r3';
const AXE = require.resolve('axe-core/axe.min.js');

describe('accessibility', () => {
    let ctx;
    const audit = {};
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
        if (Object.keys(audit).length)
            fs.writeFileSync(lib.outPath('accessibility.json'), JSON.stringify(audit, null, 2));
    });

    for (const [name, target] of [['results', '/?q=trafficking'],
                                  ['mobile results', '/?q=trafficking&country=Kazakhstan'],
                                  ['document', `/?q=registration&doc=${RECOMMENDATION}`]]) {
        it(`fits a 360-pixel screen without horizontal scrolling: ${name}`, async () => {
            const page = await ctx.page({ viewport: { width: 360, height: 800 } });
            await page.goto(`${ctx.base}${target}`);
            if (target.includes('doc='))
                await page.locator('#doc-title').waitFor(); // not "Search results"'s h1
            else
                await lib.waitForCount(page);
            const width = await page.evaluate(() => document.documentElement.scrollWidth);
            assert.ok(width <= 360, `scrollWidth is ${width}`);
            if (!target.includes('doc=')) {
                // On a phone the filters wait behind "Filters (n)", above the results.
                const list = await lib.resultList(page).boundingBox();
                const button = await page.getByRole('button', { name: /^Filters \(\d+\)$/ })
                    .boundingBox();
                assert.ok(list && button, 'the results and the Filters button are laid out');
                assert.ok(button.y < list.y, 'the Filters button comes before the results');
                assert.equal(await lib.filters(page).isVisible(), false,
                             'the filters are closed');
            }
        });
    }

    // Press Tab until 'predicate' (run in the page on document.activeElement)
    // holds; returns the number of presses, or fails after 'limit'.
    async function tabUntil(page, predicate, what, limit = 80) {
        for (let i = 1; i <= limit; i++) {
            await page.keyboard.press('Tab');
            if (await page.evaluate(predicate)) return i;
        }
        assert.fail(`Tab never reached ${what} in ${limit} presses`);
    }

    async function focusIsVisible(page) {
        return page.evaluate(() => {
            const style = getComputedStyle(document.activeElement);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
                style.boxShadow !== 'none';
        });
    }

    it('works with the keyboard only: search box, skip link, results, facets', async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/`);
        await lib.searchBox(page).waitFor();
        await tabUntil(page, () => document.activeElement.matches('[role="combobox"]'),
                       'the search box');
        assert.ok(await focusIsVisible(page), 'the search box shows focus');
        await page.keyboard.type('trafficking');
        await page.keyboard.press('Enter');
        const count = await lib.waitForCount(page);
        assert.ok(count > 0);

        // The skip link is the first stop from the top of a freshly loaded page.
        await page.goto(page.url());
        await lib.waitForCount(page);
        await page.keyboard.press('Tab');
        const skip = await page.evaluate(() => ({
            name: document.activeElement.textContent.trim(),
            href: document.activeElement.getAttribute('href'),
        }));
        assert.equal(skip.name, 'Skip to results');
        assert.ok(await focusIsVisible(page), 'the skip link shows focus');
        await page.keyboard.press('Enter');
        // The skip link moves focus (or the sequential focus start) to the
        // results: focus is on them, or a Tab or two (past the feed link,
        // say) reaches the first result link.
        const onResultLink = () => !!document.activeElement.closest(
            'ol[aria-label="Results"] li:first-child h2 a');
        const skipped = await page.evaluate(() => {
            const list = document.querySelector('ol[aria-label="Results"]');
            const el = document.activeElement;
            return !!list && el !== document.body && (list.contains(el) || el.contains(list));
        });
        if (!skipped)
            await tabUntil(page, onResultLink, 'the first result right after the skip link', 3);
        if (!(await page.evaluate(onResultLink)))
            await tabUntil(page, onResultLink, 'the first result link', 3);
        assert.ok(await focusIsVisible(page), 'result links show focus');

        // From there the facets are reachable, and a facet toggles with Space.
        await tabUntil(page, () => document.activeElement.matches(
            'aside[aria-label="Filters"] input[type="checkbox"]'), 'a facet checkbox');
        assert.ok(await focusIsVisible(page), 'checkboxes show focus');
        await page.keyboard.press('Space');
        await lib.waitForParams(page, (p) => [...p.keys()].some(
            (k) => ['type', 'process', 'meeting', 'year', 'country', 'theme', 'status', 'lang']
                .includes(k)), 'gained a filter from the keyboard');
    });

    async function runAxe(page, name, t) {
        await page.addScriptTag({ path: AXE });
        const result = await page.evaluate(() => window.axe.run(document, {
            runOnly: { type: 'tag',
                       values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        }));
        assert.ok(result.passes.length >= 10,
                  `axe ran its rules (${result.passes.length} passed)`);
        const violations = result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ')),
        }));
        audit[name] = violations;
        for (const v of violations)
            t.diagnostic(`axe ${name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.join(', ')})`);
        const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(bad, [], `serious or critical axe violations on the ${name} page`);
    }

    it('passes axe-core on the results page', async (t) => {
        // bypassCSP: the audit script is injected, which a strict CSP forbids.
        const page = await ctx.page({ bypassCSP: true });
        await page.goto(`${ctx.base}/?q=trafficking&country=Kazakhstan`);
        await lib.waitForCount(page);
        await runAxe(page, 'results', t);
    });

    it('passes axe-core on a phone with the filters and the follow panel open', async (t) => {
        const page = await ctx.page({ bypassCSP: true, viewport: { width: 360, height: 740 } });
        await page.goto(`${ctx.base}/?q=trafficking&country=Kazakhstan`);
        await lib.waitForCount(page);
        await runAxe(page, 'phone results', t);
        await page.getByRole('button', { name: /^Filters \(\d+\)$/ }).click();
        await lib.filters(page).waitFor({ state: 'visible' });
        await page.getByRole('button', { name: 'Follow this search', exact: true }).click();
        await page.getByRole('textbox', { name: 'Feed address' }).waitFor();
        await runAxe(page, 'phone filters and follow panel', t);
    });

    it('passes axe-core on the empty page with browsing and on long facets', async (t) => {
        const page = await ctx.page({ bypassCSP: true });
        await page.goto(`${ctx.base}/`);
        await page.getByRole('region', { name: 'Browse the archive' }).waitFor();
        await runAxe(page, 'browse', t);
        await page.goto(`${ctx.base}/?q=`);
        await lib.waitForCount(page);
        await lib.facetGroup(page, 'Country').getByRole('button', { name: /^Show \d+ more$/ })
            .click();
        await runAxe(page, 'long facets open', t);
    });

    it('passes axe-core on a document view', async (t) => {
        const page = await ctx.page({ bypassCSP: true });
        await page.goto(`${ctx.base}/?q=registration&doc=${RECOMMENDATION}`);
        await page.getByRole('table', { name: 'Implementation by country' }).waitFor();
        await runAxe(page, 'document', t);
    });

    it('passes axe-core on a rendered Markdown document', async (t) => {
        const page = await ctx.page({ bypassCSP: true });
        await page.goto(`${ctx.base}/?q=coordination&doc=crs-2002-ikd-country-reports-evaluation`);
        await page.locator('.doc-text table').waitFor();
        await runAxe(page, 'markdown', t);
    });

    it('passes axe-core on the no-results page and with completions open', async (t) => {
        const page = await ctx.page({ bypassCSP: true });
        await page.goto(`${ctx.base}/?q=zqxvwkj`);
        await page.getByRole('heading', { name: 'No documents match' }).waitFor();
        await runAxe(page, 'no results', t);
        await lib.searchBox(page).fill('');
        await lib.searchBox(page).pressSequentially('remit', { delay: 30 });
        await page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option').first()
            .waitFor();
        await runAxe(page, 'completions', t);
    });
});
