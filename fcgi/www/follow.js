// follow.js - "Follow this search": a small panel with the search's feed address
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT
//
// A feed opened in the browser shows raw XML, which helps nobody: what a
// delegate needs is the address to paste into a feed reader. The button
// under the results opens a panel with that address (absolute, as a reader
// needs it), a copy button and one line saying what a feed reader does.
// The feed itself (GET /feed, docs/api.md) lists the latest additions to
// the archive that match the search, each linking back to this page.

import { byId } from './dom.js';

let feedUrl = '';

function showPanel(open) {
    const button = byId('follow-button');
    byId('follow-panel').hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) byId('follow-url').select();
}

async function copyAddress() {
    const input = byId('follow-url');
    const message = byId('follow-copied');
    input.select();
    let copied = false;
    try {
        await navigator.clipboard.writeText(feedUrl);
        copied = true;
    } catch {
        copied = document.execCommand && document.execCommand('copy');
    }
    message.textContent = copied ? 'Address copied.'
        : 'Copy the selected address with Ctrl+C (\u2318C on a Mac).';
}

// The feed of the search shown is `href` (relative to the site); null when
// no search is shown. Closes the panel, so that it never shows the address
// of another search.
export function setFollowFeed(href) {
    feedUrl = href ? new URL(href, location.href).href : '';
    byId('follow-url').value = feedUrl;
    byId('feed-link').setAttribute('href', href || '/feed');
    byId('follow-copied').textContent = '';
    showPanel(false);
}

export function initFollow() {
    const button = byId('follow-button');
    button.addEventListener('click', () => showPanel(byId('follow-panel').hidden));
    byId('follow-copy').addEventListener('click', copyAddress);
}
