#!/usr/bin/env node
// run.js - run the browser tests: install their npm packages if needed, then `node --test`
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// Usage: node tests/browser/run.js BUILD_DIR [test files...]
//        node tests/browser/run.js BUILD_DIR --install
// ctest runs this once per test file (tests/CMakeLists.txt, LABELS browser),
// after running it once with --install, which only does step 1. It
//   1. runs `npm ci` here when node_modules is missing or does not hold the
//      versions package-lock.json pins;
//   2. fails when there is no Chromium to drive (MS_TEST_CHROMIUM, default
//      /usr/bin/chromium; config/deps.sh test installs Debian's): a browser
//      test that quietly does not run is a check nobody made;
//   3. runs the files named, or every *.test.js here, with Node's test
//      runner, the spec report on stdout and a TAP copy in
//      BUILD_DIR/tests/browser/: NAME.tap for one file NAME.test.js,
//      results.tap for several;
//   4. prints "browser: N passed, N failed, N skipped", which tests/run.sh
//      reads to count the browser tests.
// Screenshots and the accessibility report go to BUILD_DIR/tests/browser/
// (MS_BROWSER_OUT); MS_SCREENSHOTS=1 also copies the screenshots to
// docs/screenshots/ (see screenshots.test.js).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const HERE = __dirname;

function installed() {
    let lock;
    try {
        lock = JSON.parse(fs.readFileSync(path.join(HERE, 'package-lock.json'), 'utf8'));
    } catch (error) {
        throw new Error(`cannot read package-lock.json: ${error.message}`);
    }
    for (const [where, entry] of Object.entries(lock.packages || {})) {
        if (!where.startsWith('node_modules/')) continue;
        try {
            const manifest = JSON.parse(fs.readFileSync(path.join(HERE, where, 'package.json'),
                                                        'utf8'));
            if (manifest.version !== entry.version) return false;
        } catch {
            return false;
        }
    }
    return true;
}

function main() {
    const build = process.argv[2];
    if (!build) {
        console.error('usage: run.js BUILD_DIR [test files...]');
        return 2;
    }
    const binaryDir = path.resolve(build);
    const installOnly = process.argv[3] === '--install';

    if (!installed()) {
        console.log('browser: npm ci (node_modules missing or stale)');
        const npm = spawnSync('npm', ['ci', '--prefix', HERE, '--no-audit', '--no-fund'],
                              { stdio: 'inherit' });
        if (npm.status !== 0 || !installed()) {
            console.error('browser: npm ci failed (behind a proxy that intercepts HTTPS, ' +
                          'trust its certificate: README.md, "make test downloads")');
            return 1;
        }
    }
    if (installOnly) {
        console.log('browser: npm packages as package-lock.json pins them');
        return 0;
    }

    const chromium = process.env.MS_TEST_CHROMIUM || '/usr/bin/chromium';
    if (!fs.existsSync(chromium)) {
        console.log(`browser: no Chromium at ${chromium} ` +
                    '(config/deps.sh test installs it; or set MS_TEST_CHROMIUM)');
        return 1;
    }

    const out = path.join(binaryDir, 'tests', 'browser');
    fs.mkdirSync(out, { recursive: true });
    const files = process.argv.length > 3
        ? process.argv.slice(3).map((f) => path.resolve(f))
        : fs.readdirSync(HERE).filter((f) => f.endsWith('.test.js')).sort()
            .map((f) => path.join(HERE, f));
    // One TAP file per test file, so that ctest's runs of several files at
    // once never write the same one.
    const tap = path.join(out, files.length === 1
        ? `${path.basename(files[0], '.test.js')}.tap` : 'results.tap');
    fs.rmSync(tap, { force: true });

    const started = Date.now();
    const result = spawnSync(process.execPath,
                             ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
                              '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
                             {
                                 stdio: 'inherit',
                                 cwd: HERE,
                                 env: {
                                     ...process.env,
                                     MS_BINARY_DIR: binaryDir,
                                     MS_BROWSER_OUT: out,
                                     MS_TEST_CHROMIUM: chromium,
                                 },
                             });

    // The TAP summary: "# pass 12", "# fail 0", "# cancelled 0", "# skipped 0".
    const summary = {};
    try {
        for (const line of fs.readFileSync(tap, 'utf8').split('\n')) {
            const match = /^# (pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
            if (match) summary[match[1]] = Number(match[2]);
        }
    } catch {
        // no TAP file: the runner itself failed; counted below
    }
    const passed = summary.pass || 0;
    let failed = (summary.fail || 0) + (summary.cancelled || 0);
    if (result.status !== 0 && failed === 0) failed = 1; // died before reporting
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`browser: screenshots and accessibility report in ${out} (${seconds} s)`);
    console.log(`browser: ${passed} passed, ${failed} failed, ${summary.skipped || 0} skipped`);
    return failed === 0 && passed > 0 ? 0 : 1;
}

process.exitCode = main();
