// api.js - asking the JSON API of docs/api.md, and what its failures mean
//
// Copyright (c) 2026 The migsearch authors
// SPDX-License-Identifier: MIT

// A failed request: kind 'down' (no answer, a 5xx or an answer that is not
// JSON) or 'client' (a 4xx, with the API's error message and code).
export class ApiError extends Error {
    constructor(kind, status, message, code) {
        super(message || kind);
        this.kind = kind;
        this.status = status;
        this.code = code || null;
    }
}

export function isAbort(err) {
    return Boolean(err) && err.name === 'AbortError';
}

// The JSON object `url` answers, or an ApiError; an abort through `signal` is
// thrown as the AbortError it is.
export async function getJSON(url, signal) {
    let response;
    try {
        response = await fetch(url, {
            signal, credentials: 'same-origin', headers: { Accept: 'application/json' },
        });
    } catch (err) {
        if (isAbort(err)) throw err;
        throw new ApiError('down', 0);
    }
    let body = null;
    try {
        body = await response.json();
    } catch (err) {
        if (isAbort(err)) throw err;
        body = null;
    }
    if (!response.ok || body === null || typeof body !== 'object') {
        const error = body && body.error ? body.error : {};
        const kind = response.status >= 400 && response.status < 500 ? 'client' : 'down';
        throw new ApiError(kind, response.status, error.message, error.code);
    }
    return body;
}

// getJSON for what a view can do without (facet counts, related documents,
// completions): null instead of an error, but an abort still stops the view.
export async function getOptionalJSON(url, signal) {
    try {
        return await getJSON(url, signal);
    } catch (err) {
        if (isAbort(err)) throw err;
        return null;
    }
}
