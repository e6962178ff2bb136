/* markdown.c - Markdown to the plain text that is indexed and cut into snippets
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The index and the snippets get the words of a Markdown document, not its
 * syntax: headings lose their '#', tables their pipes and separator rows
 * (the cells of a row are joined by " · "), lists their bullets (numbers
 * stay: "2." is part of what a numbered list says), quotes their '>',
 * thematic breaks ("---") go, and so do '*', '`', "~~" and the targets of
 * links and images. Underscores stay, since they occur inside symbols and
 * file names far more often than as emphasis in this archive. Fenced code
 * is kept verbatim. The document view renders the source itself
 * (fcgi/www/markdown.js), which the loader stores beside this text.
 */
#include <stdlib.h>
#include <string.h>

#include "archive-doc.h"
#include "archive-format.h"
#include "ms_buf.h"

#define CELL_SEPARATOR " \xc2\xb7 "

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

const char *
ms_archive__line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));

    return nl ? nl : end;
}

/* Inline syntax */

/* Append one line of Markdown prose as plain text: links and images keep
 * their text and lose their target, '*', '`' and "~~" go, a backslash
 * escape gives the character it escapes. */
static void
markdown_inline(ms_buf_t *out, const char *p, const char *eol)
{
    while (p < eol) {
        const char *close, *paren_end;
        if (*p == '\\' && p + 1 < eol && strchr("\\`*_{}[]()#+-.!|~<>", p[1])) {
            ms_buf_putc(out, p[1]);
            p += 2;
            continue;
        }
        if (*p == '*' || *p == '`' || (*p == '~' && p + 1 < eol && p[1] == '~')) {
            p += *p == '~' ? 2 : 1;
            continue;
        }
        if (*p == '!' && p + 1 < eol && p[1] == '[') {
            p++;
            continue;
        }
        if (*p == '[' && (close = memchr(p, ']', (size_t)(eol - p))) != NULL &&
            close + 1 < eol && close[1] == '(' &&
            (paren_end = memchr(close, ')', (size_t)(eol - close))) != NULL) {
            markdown_inline(out, p + 1, close);
            p = paren_end + 1;
            continue;
        }
        ms_buf_putc(out, *p);
        p++;
    }
}

/* Blocks */

/* The level of an ATX heading at 'p' (1-6), with *text set to its text
 * and *stop to its end before an optional closing run of '#', or 0 if
 * the line is not a heading. */
static int
heading_level(const char *p, const char *eol, const char **text, const char **stop)
{
    int level = 0, indent = 0;

    while (p < eol && *p == ' ' && indent < 3) {
        p++;
        indent++;
    }
    while (p < eol && *p == '#' && level < 7) {
        p++;
        level++;
    }
    if (level == 0 || level > 6 || (p < eol && *p != ' ' && *p != '\t' && *p != '\r'))
        return 0;
    while (p < eol && is_blank(*p))
        p++;
    *text = p;
    *stop = eol;
    while (*stop > p && is_blank((*stop)[-1]))
        (*stop)--;
    while (*stop > p && (*stop)[-1] == '#')
        (*stop)--;
    return level;
}

/* The title a level-1 heading gives, in *out: NULL when it is blank
 * ("#   " is not a title). */
static ms_archive_status_t
heading_title(char **out, const char *text, const char *stop)
{
    ms_buf_t title = MS_BUF_INIT;

    ms_buf_append(&title, "", 0);
    markdown_inline(&title, text, stop);
    *out =
        title.status == MS_BUF_OK ? ms_archive__title_from(title.data, title.len) : NULL;
    ms_buf_free(&title);
    if (!*out)
        return MS_ARCHIVE_NOMEM;
    if (!(*out)[0]) {
        free(*out);
        *out = NULL;
    }
    return MS_ARCHIVE_OK;
}

/* Whether [lead, eol) holds only the bytes of 'set' and blanks, and at
 * least 'min' of 'mark'. */
static bool
only(const char *lead, const char *eol, const char *set, char mark, int min)
{
    int marks = 0;

    for (const char *p = lead; p < eol; p++) {
        if (*p == mark)
            marks++;
        else if (!is_blank(*p) && !strchr(set, *p))
            return false;
    }
    return marks >= min;
}

/* A thematic break: three or more of one of '-', '*', '_', and blanks. */
static bool
is_rule(const char *lead, const char *eol)
{
    return only(lead, eol, "", '-', 3) || only(lead, eol, "", '*', 3) ||
           only(lead, eol, "", '_', 3);
}

/* A table's separator row: "|---|:--:|", at least one pipe and one dash. */
static bool
is_table_separator(const char *lead, const char *eol)
{
    return only(lead, eol, "-:", '|', 1) && memchr(lead, '-', (size_t)(eol - lead));
}

/* Whether the line at [lead, eol) holds an unescaped pipe. */
static bool
has_pipe(const char *lead, const char *eol)
{
    for (const char *p = lead; p < eol; p++) {
        if (*p == '\\' && p + 1 < eol)
            p++;
        else if (*p == '|')
            return true;
    }
    return false;
}

/* One table row as its cells' text joined by CELL_SEPARATOR. */
static void
table_row(ms_buf_t *out, const char *lead, const char *eol)
{
    bool first = true;

    while (eol > lead && is_blank(eol[-1]))
        eol--;
    if (lead < eol && *lead == '|')
        lead++;
    if (eol > lead && eol[-1] == '|' && (eol - 1 == lead || eol[-2] != '\\'))
        eol--;
    while (lead <= eol) {
        const char *cell = lead, *stop;
        while (lead < eol && *lead != '|')
            lead += *lead == '\\' && lead + 1 < eol ? 2 : 1;
        stop = lead;
        while (cell < stop && is_blank(*cell))
            cell++;
        while (stop > cell && is_blank(stop[-1]))
            stop--;
        if (stop > cell) {
            if (!first)
                ms_buf_puts(out, CELL_SEPARATOR);
            markdown_inline(out, cell, stop);
            first = false;
        }
        lead++;
    }
    ms_buf_putc(out, '\n');
}

/* Past a bullet list item's marker ("- ", "* ", "+ "), or 'lead'. */
static const char *
past_bullet(const char *lead, const char *eol)
{
    if (eol - lead >= 2 && strchr("-*+", lead[0]) && (lead[1] == ' ' || lead[1] == '\t'))
        return lead + 2;
    return lead;
}

/* The state of the conversion between lines. */
struct markdown {
    ms_buf_t out;
    bool fenced, table;
};

/* One line outside fenced code, not a heading. 'next' is the start of
 * the next line (or the end), so that a table's header row is known by
 * the separator row under it. */
static void
prose_line(struct markdown *md, const char *p, const char *eol, const char *next,
           const char *end)
{
    const char *lead = p;

    while (lead < eol && is_blank(*lead))
        lead++;
    if (md->table && !has_pipe(lead, eol))
        md->table = false;
    if (!md->table && has_pipe(lead, eol) && next < end) {
        const char *next_lead = next, *next_eol = ms_archive__line_end(next, end);
        while (next_lead < next_eol && is_blank(*next_lead))
            next_lead++;
        md->table = is_table_separator(next_lead, next_eol);
    }
    if (md->table) {
        if (!is_table_separator(lead, eol))
            table_row(&md->out, lead, eol);
        return;
    }
    if (is_rule(lead, eol)) {
        ms_buf_putc(&md->out, '\n');
        return;
    }
    while (lead < eol && *lead == '>') {
        lead++;
        while (lead < eol && is_blank(*lead))
            lead++;
    }
    markdown_inline(&md->out, past_bullet(lead, eol), eol);
    ms_buf_putc(&md->out, '\n');
}

ms_archive_status_t
ms_archive__markdown_text(char **body, char **heading, const char *p, const char *end)
{
    struct markdown md = {MS_BUF_INIT, false, false};
    ms_archive_status_t status = MS_ARCHIVE_OK;

    *heading = NULL;
    ms_buf_append(&md.out, "", 0);
    while (p < end && status == MS_ARCHIVE_OK) {
        const char *eol = ms_archive__line_end(p, end), *next = eol + (eol < end);
        const char *lead = p, *text, *stop;
        int level;
        while (lead < eol && *lead == ' ')
            lead++;
        if (eol - lead >= 3 &&
            (memcmp(lead, "```", 3) == 0 || memcmp(lead, "~~~", 3) == 0)) {
            md.fenced = !md.fenced;
        } else if (md.fenced) {
            ms_buf_append(&md.out, p, (size_t)(eol - p));
            ms_buf_putc(&md.out, '\n');
        } else if ((level = heading_level(p, eol, &text, &stop)) > 0) {
            md.table = false;
            markdown_inline(&md.out, text, stop);
            ms_buf_putc(&md.out, '\n');
            if (level == 1 && !*heading && md.out.status == MS_BUF_OK)
                status = heading_title(heading, text, stop);
        } else {
            prose_line(&md, p, eol, next, end);
        }
        p = next;
    }
    *body = status == MS_ARCHIVE_OK ? ms_buf_take(&md.out, NULL) : NULL;
    if (!*body) {
        free(*heading);
        *heading = NULL;
        status = MS_ARCHIVE_NOMEM;
    }
    ms_buf_free(&md.out);
    return status;
}
