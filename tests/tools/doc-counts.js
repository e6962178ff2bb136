#!/usr/bin/env node
// doc-counts.js - the sample counts quoted in docs/delegates.md, checked or rewritten
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Every number of results the delegates' guide quotes for the sample archive
// carries the request that gives it, in an HTML comment right after the
// number (invisible once rendered):
//
//     `remittances diaspora` finds 7<!--count /search?q=remittances%20diaspora--> sample documents
//
// The request is an API path; the number is its total.estimate over the
// sample archive indexed as `make demo` indexes it (the shipped config: its
// synonyms included). This tool starts the real indexer, server and nginx
// (tests/browser/servers.js), asks every request and either reports the
// numbers that differ (--check, the default; tests/browser/docs.test.js does
// the same) or writes the right ones into the file (--write; `make
// doc-counts`).
//
// Usage: node tests/tools/doc-counts.js BUILD_DIR [--write] [FILE...]
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const SOURCE_DIR = path.resolve(__dirname, '..', '..');
const GUIDES = [path.join(SOURCE_DIR, 'docs', 'delegates.md')];

// A count and its request. The request is a path starting with '/' and
// holding no spaces or "--" (so that it cannot end the comment early).
const MARK = /(\d+)<!--count (\/[^\s]*?)-->/g;

// The marks of 'text': [{count, request, index}], in order.
function marks(text) {
    const found = [];
    for (const m of text.matchAll(MARK))
        found.push({ count: Number(m[1]), request: m[2], index: m.index });
    return found;
}

// The line of 'text' at character 'index', from 1.
function lineOf(text, index) {
    return text.slice(0, index).split('\n').length;
}

// Asks 'base' for every distinct request of 'list'; resolves to a Map of
// request -> total.estimate. A request that is not answered with 200 and a
// total is an error naming it.
async function totals(base, list) {
    const answers = new Map();
    for (const { request } of list) {
        if (answers.has(request)) continue;
        const response = await fetch(base + request);
        const body = await response.text();
        let total;
        try {
            total = JSON.parse(body).total.estimate;
        } catch {
            total = undefined;
        }
        if (response.status !== 200 || !Number.isInteger(total))
            throw new Error(`${request}: HTTP ${response.status}, no total: ${body.slice(0, 200)}`);
        answers.set(request, total);
    }
    return answers;
}

// The counts of 'file' that differ from the server at 'base':
// {marks, wrong: [{line, request, count, actual}], text: the file with the
// right counts}.
async function compare(base, file) {
    const text = fs.readFileSync(file, 'utf8');
    const list = marks(text);
    const answers = await totals(base, list);
    const wrong = [];
    for (const mark of list) {
        const actual = answers.get(mark.request);
        if (actual !== mark.count)
            wrong.push({ line: lineOf(text, mark.index), request: mark.request,
                         count: mark.count, actual });
    }
    const fixed = text.replace(MARK, (all, count, request) =>
        `${answers.get(request)}<!--count ${request}-->`);
    return { marks: list, wrong, text: fixed };
}

// The shipped config's settings that change counts, for servers.start().
function shippedOptions() {
    return { synonyms: path.join(SOURCE_DIR, 'config', 'synonyms.yaml') };
}

async function main() {
    const args = process.argv.slice(2);
    const build = args.shift();
    const write = args[0] === '--write' ? Boolean(args.shift()) : false;
    if (args[0] === '--check') args.shift();
    const files = args.length ? args.map((f) => path.resolve(f)) : GUIDES;
    if (!build) {
        console.error('usage: doc-counts.js BUILD_DIR [--write|--check] [FILE...]');
        return 2;
    }
    process.env.MS_BINARY_DIR = path.resolve(build);
    const servers = require('../browser/servers.js');
    const env = await servers.start(shippedOptions());
    let failed = 0;
    try {
        for (const file of files) {
            const result = await compare(env.base, file);
            const name = path.relative(process.cwd(), file);
            for (const w of result.wrong)
                console.log(`${name}:${w.line}: ${w.request}: says ${w.count}, is ${w.actual}`);
            if (write && result.wrong.length) fs.writeFileSync(file, result.text);
            console.log(`${name}: ${result.marks.length} counts, ${result.wrong.length} ` +
                        (write ? 'rewritten' : 'wrong'));
            if (!write) failed += result.wrong.length;
        }
    } finally {
        await env.stop();
    }
    return failed ? 1 : 0;
}

module.exports = { marks, compare, shippedOptions, GUIDES, MARK };

if (require.main === module) {
    main().then((rc) => process.exit(rc), (error) => {
        console.error(`doc-counts: ${error.message}`);
        process.exit(2);
    });
}
