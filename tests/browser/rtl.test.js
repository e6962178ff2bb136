// rtl.test.js - Arabic text is shown right to left, in results and in the document view
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The sample archive has no Arabic document, so this file indexes a copy of
// it plus one short Arabic note written for this test.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const lib = require('./lib.js');
const { ARCHIVE } = require('./servers.js');

const ID = 'test-2004-arabic-note';
const TITLE = 'مذكرة عن تحويلات العمال المهاجرين';
const SENTENCE = 'تناقش هذه المذكرة تحويلات العمال المهاجرين إلى أسرهم في المغرب.';
const NOTE = `---
id: ${ID}
title: ${TITLE}
type: report
date: 2004-05-01
language: ar
countries: [Morocco]
themes: [remittances]
---
${SENTENCE} وتوصي الحكومات بخفض رسوم التحويل وتيسير فتح الحسابات المصرفية للأسر.
كما تدعو إلى جمع بيانات أفضل عن الهجرة والعودة في بلدان المنشأ.
`;

// The writing direction the page gives the element holding 'text'.
async function directionOf(page, scope, text) {
    const element = scope.getByText(text, { exact: false }).first();
    await element.waitFor();
    return element.evaluate((el) => ({
        direction: getComputedStyle(el).direction,
        rtl: el.matches(':dir(rtl)'),
        lang: el.closest('[lang]') ? el.closest('[lang]').getAttribute('lang') : null,
    }));
}

describe('right-to-left text', () => {
    let ctx;
    let archive;
    before(async () => {
        archive = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-browser-archive.'));
        fs.cpSync(ARCHIVE, archive, { recursive: true });
        fs.writeFileSync(path.join(archive, 'reports', `${ID}.md`), NOTE);
        ctx = await lib.setup({ archive });
    });
    after(async () => {
        if (ctx) await ctx.close();
        if (archive) fs.rmSync(archive, { recursive: true, force: true });
    });

    it('shows an Arabic document right to left, with lang ar', async () => {
        const doc = await ctx.api(`/doc/${ID}`);
        assert.equal(doc.language, 'ar');
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?doc=${ID}`);
        const main = page.getByRole('main');
        await main.getByRole('heading', { level: 1, name: TITLE }).waitFor();

        const title = await directionOf(page, main.getByRole('heading', { level: 1 }), TITLE);
        assert.equal(title.direction, 'rtl', 'the title is right to left');
        const text = await directionOf(page, main, 'تناقش هذه المذكرة');
        assert.equal(text.direction, 'rtl', 'the full text is right to left');
        assert.ok(text.rtl);
        assert.equal(text.lang, 'ar', 'the text carries lang="ar"');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 1280, 'right-to-left text does not push the page sideways');
    });

    it('shows Arabic titles and snippets right to left in the results', async () => {
        // With lang=ar, as the Language facet sets it: without it the query
        // is stemmed in English (index.language) and misses the Arabic stems.
        const query = `q=${encodeURIComponent('تحويلات')}&lang=ar`;
        const answer = await ctx.api(`/search?${query}`);
        assert.ok(answer.results.some((r) => r.id === ID), 'the Arabic note is found');
        const page = await ctx.page();
        await page.goto(`${ctx.base}/?${query}`);
        await lib.expectCount(page, answer.total.estimate);
        const item = lib.resultList(page).getByRole('listitem')
            .filter({ has: page.locator(`a[href="/?doc=${ID}"]`) });
        const title = await directionOf(page, item.getByRole('heading', { level: 2 }), TITLE);
        assert.equal(title.direction, 'rtl', 'the result title is right to left');
        const snippet = item.locator(':has(> mark)').first();
        await snippet.waitFor();
        assert.equal(await snippet.evaluate((el) => getComputedStyle(el).direction), 'rtl',
                     'the snippet is right to left');
        // The page itself stays left to right: only the Arabic parts turn.
        assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), 'ltr');
    });
});
