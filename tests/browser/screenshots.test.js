// screenshots.test.js - the pictures in the README: results, status by country, a
// recommendation, a meeting's table, browsing, a phone
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The screenshots are always written to the output directory (the runner
// sets MS_BROWSER_OUT under the build directory). They replace the copies in
// docs/screenshots/ only when MS_SCREENSHOTS=1, so an ordinary `make test`
// never changes the work tree; refresh the README's pictures with
// `MS_SCREENSHOTS=1 make test`. The test asserts that each picture is a PNG
// of the expected size, never that it equals the committed one (the time
// taken, shown on the page, changes on every run).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');
const { SOURCE_DIR } = require('./servers.js');

const DOCS = path.join(SOURCE_DIR, 'docs', 'screenshots');

// Width and height of a PNG, from its IHDR chunk.
function pngSize(file) {
    const data = fs.readFileSync(file);
    assert.equal(data.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is a PNG`);
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

// Save the viewport as 'name', or with 'clipTo' (a locator) the page from
// its top down to the bottom of that element, at least one viewport high.
async function shoot(page, name, size, clipTo = null) {
    const file = lib.outPath(name);
    // No blinking caret or running transition in the picture.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    const options = { path: file, animations: 'disabled', caret: 'hide' };
    if (clipTo) {
        const box = await clipTo.boundingBox();
        const height = Math.max(size.height, Math.ceil(box.y + box.height + 24));
        Object.assign(options, { fullPage: true, clip: { x: 0, y: 0, width: size.width, height } });
        size = { width: size.width, height };
    }
    await page.screenshot(options);
    assert.deepEqual(pngSize(file), size);
    if (process.env.MS_SCREENSHOTS === '1') {
        fs.mkdirSync(DOCS, { recursive: true });
        fs.copyFileSync(file, path.join(DOCS, name));
    }
}

describe('screenshots', () => {
    let ctx;
    before(async () => {
        ctx = await lib.setup();
    });
    after(async () => {
        if (ctx) await ctx.close();
    });

    it('search.png: results for "trafficking" at 1280x900', async () => {
        const page = await ctx.page({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${ctx.base}/`);
        await lib.search(page, 'trafficking');
        await lib.waitForCount(page);
        await shoot(page, 'search.png', { width: 1280, height: 900 });
    });

    it('recommendation.png: the document view of ikd-2002-cholponata.r3', async () => {
        const page = await ctx.page({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${ctx.base}/?q=registration&doc=ikd-2002-cholponata.r3`);
        const table = page.getByRole('table', { name: 'Implementation by country' });
        await table.waitFor();
        // Down to the end of the implementation table, the point of the picture.
        await shoot(page, 'recommendation.png', { width: 1280, height: 900 }, table);
    });

    it('status.png: what Ghana reported, with its badge first', async () => {
        const page = await ctx.page({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${ctx.base}/?q=trafficking&country=Ghana`);
        await lib.waitForCount(page);
        await shoot(page, 'status.png', { width: 1280, height: 900 });
    });

    it('meeting.png: the status table of ikd-2002-cholponata', async () => {
        const page = await ctx.page({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${ctx.base}/?meeting_view=ikd-2002-cholponata`);
        const table = page.getByRole('table',
                                     { name: 'Status reported by each country, by recommendation' });
        await table.waitFor();
        await shoot(page, 'meeting.png', { width: 1280, height: 900 }, table);
    });

    it('browse.png: the empty page, to browse without typing', async () => {
        const page = await ctx.page({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${ctx.base}/`);
        await page.getByRole('region', { name: 'Browse the archive' }).waitFor();
        await shoot(page, 'browse.png', { width: 1280, height: 900 });
    });

    it('mobile.png: results for "trafficking" at 360x800', async () => {
        const page = await ctx.page({ viewport: { width: 360, height: 800 } });
        await page.goto(`${ctx.base}/?q=trafficking`);
        await lib.waitForCount(page);
        await shoot(page, 'mobile.png', { width: 360, height: 800 });
    });
});
