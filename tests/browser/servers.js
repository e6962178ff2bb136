// servers.js - run the real migsearch-index, migsearch-fcgi and nginx for a browser test
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// The same setup as tests/integration/harness.c, in Node: a temporary
// directory, a config, the archive indexed by the real migsearch-index, the
// real migsearch-fcgi on a unix socket and the real nginx on a free loopback
// port, with the config rendered from nginx.conf.example by
// config/render-nginx.sh in its testauth identity mode (X-Test-Groups request
// headers act as the user's groups; a request without them is anonymous). So
// the page is served exactly as admins serve it: / and /static/ from
// fcgi/www/, the API next to it.
//
// Children run under `setpriv --pdeathsig KILL` when setpriv exists, so a
// test runner killed by a timeout leaves no server behind; a normal exit
// stops them in stop() or in the process 'exit' hook.
//
// Environment: MS_BINARY_DIR (the CMake build dir holding indexer/ and
// fcgi/; required), MS_TEST_NGINX (nginx binary), MS_TEST_LEAVE (keep the
// temporary directory), MS_TEST_CATLOG (print the logs at stop).
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const SOURCE_DIR = path.resolve(__dirname, '..', '..');
const ARCHIVE = path.join(SOURCE_DIR, 'tests', 'data', 'archive');

const live = new Set();
process.on('exit', () => {
    for (const child of live) {
        try {
            child.kill('SIGKILL');
        } catch {
            // already gone
        }
    }
});

const hasSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function binaryDir() {
    const dir = process.env.MS_BINARY_DIR;
    if (!dir) throw new Error('MS_BINARY_DIR is not set (the CMake build directory)');
    return dir;
}

// A loopback port nobody listens on right now; start() retries if nginx
// loses the race for it.
function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

function canConnect(port) {
    return new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
            socket.destroy();
            resolve(true);
        });
        socket.once('error', () => resolve(false));
    });
}

// Start 'argv' with stdout and stderr appended to 'log'.
function launch(argv, log) {
    const fd = fs.openSync(log, 'a');
    const command = hasSetpriv ? ['setpriv', '--pdeathsig', 'KILL', '--', ...argv] : argv;
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    child.exitStatus = null;
    child.exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
            live.delete(child);
            child.exitStatus = signal ? `signal ${signal}` : `exit ${code}`;
            resolve(child.exitStatus);
        });
        child.once('error', (error) => {
            live.delete(child);
            child.exitStatus = `error ${error.message}`;
            resolve(child.exitStatus);
        });
    });
    live.add(child);
    return child;
}

function run(argv, log) {
    const fd = fs.openSync(log, 'a');
    const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    return result.status;
}

function readLog(file) {
    try {
        return fs.readFileSync(file, 'utf8');
    } catch {
        return '';
    }
}

async function stopChild(child, signal, timeoutMs) {
    if (!child || child.exitStatus !== null) return child ? child.exitStatus : null;
    child.kill(signal);
    let timer;
    const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const status = await Promise.race([child.exited, timeout]);
    clearTimeout(timer);
    if (status !== null) return status;
    child.kill('SIGKILL');
    return child.exited;
}

// Index 'archive' (default: the sample archive) and start migsearch-fcgi and
// nginx; options.synonyms names a synonyms file for index.synonyms. Resolves to an object with base (http://127.0.0.1:PORT), dir,
// stopFcgi() and stop().
async function start(options = {}) {
    const archive = options.archive || ARCHIVE;
    const bin = binaryDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-browser.'));
    const config = path.join(dir, 'migsearch.yaml');
    const socket = path.join(dir, 'migsearch.sock');
    const fcgiLog = path.join(dir, 'fcgi.log');
    const nginxOut = path.join(dir, 'nginx.out');
    const prefix = path.join(dir, 'nginx');
    const env = {
        dir,
        base: null,
        fcgi: null,
        nginx: null,
        fcgiLog,
        async stopFcgi() {
            return stopChild(this.fcgi, 'SIGTERM', 10000);
        },
        async stop() {
            await stopChild(this.nginx, 'SIGQUIT', 5000);
            await stopChild(this.fcgi, 'SIGTERM', 10000);
            if (process.env.MS_TEST_CATLOG) {
                for (const file of [fcgiLog, path.join(prefix, 'error.log'), nginxOut])
                    process.stderr.write(`==== ${file}\n${readLog(file)}`);
            }
            if (!process.env.MS_TEST_LEAVE) fs.rmSync(dir, { recursive: true, force: true });
        },
    };
    try {
        fs.writeFileSync(
            config,
            `index:\n  path: ${dir}/index\n` +
                (options.synonyms ? `  synonyms: ${options.synonyms}\n` : '') +
                `archive:\n  path: ${archive}\n` +
                `server:\n  socket: ${socket}\n  socket_mode: "0600"\n  socket_group: ""\n` +
                `  threads: 4\n` +
                `log:\n  level: info\n`,
        );
        const indexLog = path.join(dir, 'index.log');
        const indexer = path.join(bin, 'indexer', 'migsearch-index');
        const status = run([indexer, '--quiet', '--config', config, '--archive', archive], indexLog);
        if (status !== 0)
            throw new Error(`migsearch-index exited ${status}: ${readLog(indexLog)}`);

        env.fcgi = launch([path.join(bin, 'fcgi', 'migsearch-fcgi'), '--config', config], fcgiLog);
        for (const deadline = Date.now() + 10000; ; ) {
            if (fs.existsSync(socket) && fs.statSync(socket).isSocket()) break;
            if (env.fcgi.exitStatus !== null)
                throw new Error(`migsearch-fcgi ${env.fcgi.exitStatus}: ${readLog(fcgiLog)}`);
            if (Date.now() > deadline) throw new Error('migsearch-fcgi socket did not appear');
            await sleep(20);
        }

        const nginx = process.env.MS_TEST_NGINX || 'nginx';
        const render = path.join(SOURCE_DIR, 'config', 'render-nginx.sh');
        for (let attempt = 0; attempt < 5 && !env.base; attempt++) {
            const port = await freePort();
            const rc = run(['/bin/sh', render, prefix, String(port), socket, 'off', archive,
                            'testauth'], nginxOut);
            if (rc !== 0) throw new Error(`render-nginx.sh failed: ${readLog(nginxOut)}`);
            env.nginx = launch([nginx, '-p', `${prefix}/`, '-c', path.join(prefix, 'nginx.conf'),
                                '-e', path.join(prefix, 'error.log')], nginxOut);
            for (const deadline = Date.now() + 10000; Date.now() < deadline; ) {
                if (env.nginx.exitStatus !== null) break; // most likely the port was taken
                if (await canConnect(port)) {
                    env.base = `http://127.0.0.1:${port}`;
                    break;
                }
                await sleep(20);
            }
            if (!env.base) await stopChild(env.nginx, 'SIGKILL', 1000);
        }
        if (!env.base)
            throw new Error(`nginx did not start: ${readLog(nginxOut)}` +
                            readLog(path.join(prefix, 'error.log')));
        return env;
    } catch (error) {
        await env.stop();
        throw error;
    }
}

module.exports = { start, ARCHIVE, SOURCE_DIR };
