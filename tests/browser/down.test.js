// down.test.js - the page says so when the search service is down
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// A file of its own, since it stops migsearch-fcgi for good: nginx then
// answers 502 for the API while still serving the page itself.
'use strict';

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');

const MESSAGE = 'The search service is not available right now. ' +
    'Please try again in a few minutes.';

describe('service down', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('shows an alert when /search fails, and recovers nothing it cannot', async () => {
        const page = await ctx.page();
        await page.goto(`${ctx.base}/`);
        await lib.search(page, 'trafficking');
        await lib.waitForCount(page);
        assert.equal(await page.getByRole('alert').count(), 0, 'no alert while it works');

        const status = await ctx.env.stopFcgi();
        assert.equal(status, 'exit 0', 'migsearch-fcgi exits cleanly on SIGTERM');
        const api = await fetch(`${ctx.base}/search?q=remittances`);
        assert.ok(api.status >= 500, `the API now answers ${api.status}`);

        await lib.search(page, 'remittances');
        const alert = page.getByRole('alert');
        await alert.filter({ hasText: MESSAGE }).waitFor();
        assert.equal((await alert.textContent()).replace(/\s+/g, ' ').trim(), MESSAGE);
        assert.equal(await lib.resultList(page).getByRole('listitem').count(), 0,
                     'no stale results are left under the alert');
        assert.deepEqual(page.errors, [], 'the failure is handled, not thrown');
    });
});
