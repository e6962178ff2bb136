/* embeddable.c - the check of an HTML fragment fit to embed (embeddable.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A small scanner that accepts only the tags and attributes the fragment
 * may use, "ms-" classes, and '&' only as the start of a character
 * reference: a hostile title or query that got through unescaped fails it.
 */
#include <stdio.h>
#include <string.h>

#include "embeddable.h"

static bool
one_of(const char *word, size_t len, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strlen(list[i]) == len && strncmp(list[i], word, len) == 0)
            return true;
    }
    return false;
}

/* Length of the character reference at 's', or 0. */
static size_t
reference_at(const char *s)
{
    size_t i = 1;

    if (s[i] == '#') {
        i++;
        if (s[i] == 'x')
            i++;
        while (strchr("0123456789abcdefABCDEF", s[i]) != NULL && s[i] != '\0')
            i++;
    } else {
        while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
            i++;
    }
    return i > 1 && s[i] == ';' ? i + 1 : 0;
}

/* The attributes of the tag at 'p' up to its '>': NULL if they are fine
 * (*end past the '>'), else the problem. */
static const char *
attributes_check(const char *p, const char **end)
{
    static const char *const attributes[] = {"class", "aria-label", "href", "dir",
                                             "lang",  "start",      "rel",  NULL};

    for (;;) {
        p += strspn(p, " ");
        if (*p == '>') {
            *end = p + 1;
            return NULL;
        }
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
        if (!one_of(p, n, attributes))
            return "unknown attribute";
        const char *name = p;
        p += n;
        if (p[0] != '=' || p[1] != '"')
            return "unquoted attribute";
        p += 2;
        const char *close = strchr(p, '"');
        if (close == NULL)
            return "unclosed attribute";
        for (const char *v = p; v < close; v++) {
            if (*v == '<' || *v == '>')
                return "markup in an attribute";
        }
        if (strncmp(name, "class", 5) == 0 && strncmp(p, "ms-", 3) != 0)
            return "a class not starting with ms-";
        if (strncmp(name, "href", 4) == 0 && *p != '?' && strncmp(p, "/?doc=", 6) != 0 &&
            strncmp(p, "/doc/", 5) != 0)
            return "a link out of the site";
        p = close + 1;
    }
}

bool
ms_test_embeddable(const char *text, char *why, size_t size)
{
    static const char *const tags[] = {"section", "p",   "ol",   "li", "h2", "a",
                                       "mark",    "nav", "span", "q",  NULL};
    const char *p = text, *problem = NULL, *at = text;

    while (*p != '\0' && problem == NULL) {
        at = p;
        if (*p == '>') {
            problem = "stray '>'";
        } else if (*p == '&') {
            if (reference_at(p) == 0)
                problem = "bare '&'";
            p += reference_at(p);
        } else if (*p != '<') {
            p++;
        } else {
            p++;
            if (*p == '/')
                p++;
            size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
            if (!one_of(p, n, tags))
                problem = "unknown tag";
            else
                problem = attributes_check(p + n, &p);
        }
    }
    if (problem != NULL)
        snprintf(why, size, "%s at \"%.40s\"", problem, at);
    return problem == NULL;
}
