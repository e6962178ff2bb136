// lib.js - what the browser tests share: Chromium, the servers, the API, the page contract
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Every test file starts its own servers (servers.js) and its own Chromium,
// so files are independent and can run in any order; each test opens a new
// browser context, so no test sees another's history or storage. Locators
// follow the page contract of issue 5 by role and accessible name only.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const servers = require('./servers.js');

const CHROMIUM = process.env.MS_TEST_CHROMIUM || '/usr/bin/chromium';
// How long one expectation may wait for the page (the page answers from a
// local index in milliseconds; this is slack for a loaded CI machine).
const WAIT_MS = 10000;

// Where tests write files (screenshots, the accessibility report): the
// runner sets MS_BROWSER_OUT inside the build directory.
const OUT_DIR = process.env.MS_BROWSER_OUT || path.join(__dirname, 'out');

async function launch() {
    return chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
}

// Servers and Chromium for one test file. The returned object has env (see
// servers.js), browser, and helpers bound to them.
async function setup(options = {}) {
    const env = await servers.start(options);
    let browser;
    try {
        browser = await launch();
    } catch (error) {
        await env.stop();
        throw error;
    }
    const ctx = {
        env,
        browser,
        base: env.base,
        // A new page in a fresh context, with the requests it makes to other
        // hosts recorded in page.foreign (the page must load nothing from
        // outside), uncaught script errors in page.errors and console errors
        // in page.consoleErrors.
        async page(contextOptions = {}) {
            const context = await browser.newContext({ viewport: { width: 1280, height: 900 },
                                                       ...contextOptions });
            context.setDefaultTimeout(WAIT_MS);
            const page = await context.newPage();
            page.foreign = [];
            page.errors = [];
            page.on('request', (request) => {
                const url = request.url();
                if (!url.startsWith(`${env.base}/`) && !url.startsWith('data:'))
                    page.foreign.push(url);
            });
            page.on('pageerror', (error) => page.errors.push(String(error)));
            // Console errors: CSP violations are reported there.
            page.consoleErrors = [];
            page.on('console', (message) => {
                if (message.type() === 'error') page.consoleErrors.push(message.text());
            });
            return page;
        },
        // GET an API path and parse its JSON, failing on a non-2xx answer.
        async api(target) {
            const response = await fetch(`${env.base}${target}`);
            assert.ok(response.ok, `GET ${target}: HTTP ${response.status}`);
            return response.json();
        },
        async close() {
            await browser.close().catch(() => {});
            await env.stop();
        },
    };
    return ctx;
}

// ---- the page contract, by role and name ----

function searchBox(page) {
    return page.getByRole('combobox', { name: 'Search the archive', exact: true });
}

// The status region that reports the count ("12 results", "1 result").
function resultStatus(page) {
    return page.getByRole('status').filter({ hasText: /\b\d+ results?\b/ });
}

function resultList(page) {
    return page.getByRole('list', { name: 'Results', exact: true });
}

function filters(page) {
    return page.getByRole('complementary', { name: 'Filters', exact: true });
}

function facetGroup(page, legend) {
    return filters(page).getByRole('group', { name: legend, exact: true });
}

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The checkbox of 'value' in the fieldset 'legend', whatever count it shows.
function facetCheckbox(page, legend, value) {
    const name = new RegExp(`^${escapeRegExp(value)} \\(\\d+\\)$`);
    return facetGroup(page, legend).getByRole('checkbox', { name });
}

function pagesNav(page) {
    return page.getByRole('navigation', { name: 'Pages', exact: true });
}

// Wait until the status reports a count and return it.
async function waitForCount(page) {
    const status = resultStatus(page);
    await status.first().waitFor();
    const text = await status.first().textContent();
    return Number(/\b(\d+) results?\b/.exec(text)[1]);
}

// Wait until the status shows exactly 'count' results ("1 result" for one).
async function expectCount(page, count) {
    const words = count === 1 ? '1 result' : `${count} results`;
    const status = page.getByRole('status').filter({
        hasText: new RegExp(`(^|\\D)${words}\\b`),
    });
    try {
        await status.first().waitFor();
    } catch {
        const shown = await page.getByRole('status').allTextContents();
        assert.fail(`expected the status to say "${words}"; it says ${JSON.stringify(shown)}`);
    }
}

// The document ids the results list links to, in order.
async function resultIds(page) {
    const hrefs = await resultList(page).getByRole('listitem').getByRole('heading', { level: 2 })
        .getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    return hrefs.map((href) => new URL(href, 'http://x/').searchParams.get('doc'));
}

// Wait until the page shows the count and the results (in order) of the API
// answer 'answer'. Waiting for both matters: the URL changes before the new
// results arrive, and a change of sort keeps the count.
async function expectResults(page, answer) {
    await expectCount(page, answer.total.estimate);
    const want = answer.results.map((r) => `/?doc=${r.id}`);
    try {
        await page.waitForFunction((hrefs) => {
            const links = [...document.querySelectorAll('ol[aria-label="Results"] > li h2 a')];
            return links.length === hrefs.length &&
                links.every((a, i) => a.getAttribute('href') === hrefs[i]);
        }, want, { timeout: WAIT_MS });
    } catch {
        // fall through to the assertion, which shows the difference
    }
    assert.deepEqual(await resultIds(page), answer.results.map((r) => r.id),
                     'the results of the API, in its order');
}

// Wait for the page's URL to satisfy 'predicate' (given URLSearchParams).
async function waitForParams(page, predicate, what) {
    try {
        await page.waitForURL((url) => predicate(url.searchParams), { timeout: WAIT_MS });
    } catch {
        assert.fail(`URL never ${what}; it is ${page.url()}`);
    }
}

// The API query the page's current URL stands for (same parameter names).
function apiQuery(page, extra = {}) {
    const params = new URL(page.url()).searchParams;
    params.delete('doc');
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    return `/search?${params}`;
}

// Type 'query' into the search box and press Enter.
async function search(page, query) {
    const box = searchBox(page);
    await box.fill(query);
    await box.press('Enter');
    await waitForParams(page, (p) => p.get('q') === query, `got q=${query}`);
}

function outPath(name) {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    return path.join(OUT_DIR, name);
}

module.exports = {
    WAIT_MS,
    setup,
    searchBox,
    resultStatus,
    resultList,
    filters,
    facetGroup,
    facetCheckbox,
    pagesNav,
    waitForCount,
    expectCount,
    expectResults,
    resultIds,
    waitForParams,
    apiQuery,
    search,
    outPath,
    escapeRegExp,
};
