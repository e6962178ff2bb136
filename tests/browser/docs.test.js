// docs.test.js - the sample counts quoted in docs/delegates.md are today's
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// docs/delegates.md quotes how many sample documents each example finds,
// each number marked with the request that gives it
// (tests/tools/doc-counts.js). Here every one is asked of the real servers
// over the sample archive, indexed with the shipped config's synonyms as
// `make demo` does, and must be what the guide says; `make doc-counts`
// rewrites the numbers after a change to the sample or the search.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { describe, it, before, after } = require('node:test');
const servers = require('./servers.js');
const counts = require('../tools/doc-counts.js');

describe("the delegates' guide", () => {
    let env;
    before(async () => {
        env = await servers.start(counts.shippedOptions());
    });
    after(async () => {
        if (env) await env.stop();
    });

    it('quotes every example count as the sample archive gives it', async () => {
        for (const file of counts.GUIDES) {
            const result = await counts.compare(env.base, file);
            // Sections 3 to 13 quote about forty counts; a mark that stopped
            // matching (a typo in the comment) would silently drop one.
            const text = fs.readFileSync(file, 'utf8');
            assert.equal(result.marks.length, (text.match(/<!--count /g) || []).length,
                         'every count comment is well formed');
            assert.ok(result.marks.length >= 40, `${result.marks.length} marked counts`);
            assert.deepEqual(result.wrong, [], 'run `make doc-counts` to rewrite them');
        }
    });

    it('marks every count of the examples table of section 13', () => {
        const text = fs.readFileSync(counts.GUIDES[0], 'utf8');
        const section = text.split('\n## 13.')[1].split('\n## 14.')[0];
        const rows = section.split('\n').filter((l) => /^\| [^-]/.test(l) && !/^\| to find/.test(l));
        assert.ok(rows.length >= 16, `${rows.length} example rows`);
        for (const row of rows)
            assert.match(row, /\| \d+<!--count \/search\?[^>]*--> \|$/, row);
    });
});
