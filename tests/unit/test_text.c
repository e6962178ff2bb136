/* test_text.c - unit tests for the text rules: first-sentence titles, Markdown as text
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The title a recommendation without one gets (sentence.c) and the plain
 * text a Markdown file is indexed and cut into snippets as (markdown.c),
 * each by a table of cases; and, through the loader, that a Markdown
 * file keeps its source beside that text.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-doc.h"
#include "archive-format.h"
#include "ms_archive.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* Criterion may run each parameterized case in a freshly started process,
 * where pointers from the parent mean nothing, so the cases hold arrays. */
struct title_case {
    char text[256];
    char title[160];
};

static struct title_case title_cases[] = {
    /* A sentence ends at its full stop, which the title drops. */
    {"States harmonise the documents. Border posts record entries.",
     "States harmonise the documents"},
    /* Abbreviations and decimal numbers do not end it. */
    {"Governments publish data, e.g. the number of permits. Then more.",
     "Governments publish data, e.g. the number of permits"},
    {"The U.N. Secretariat reports twice. Then more.",
     "The U.N. Secretariat reports twice"},
    {"Raise the budget by 1.5 million. Then more.", "Raise the budget by 1.5 million"},
    {"See Art. 3 of the Protocol. Then more.", "See Art. 3 of the Protocol"},
    {"Costs fell approx. ten percent. Then more.", "Costs fell approx. ten percent"},
    /* Questions and exclamations keep their mark. */
    {"Who reports? Each State.", "Who reports?"},
    /* No sentence end at all: the whole text, white space collapsed. */
    {"  Shelters for victims\n  in every region  ",
     "Shelters for victims in every region"},
    /* A long sentence is cut at a word, before 100 characters. */
    {"States of the sub-region harmonise the documents required at land borders, so "
     "that a traveller holding a valid regional travel certificate is not asked for "
     "additional papers.",
     "States of the sub-region harmonise the documents required at land borders, so "
     "that a traveller" ELLIPSIS},
    /* Other scripts: a Russian sentence, a Chinese one ended by 。 */
    {"Государства обмениваются данными. Далее.", "Государства обмениваются данными"},
    {"各国交换数据。然后。", "各国交换数据。"},
};

ParameterizedTestParameters(sentence, titles)
{
    return cr_make_param_array(struct title_case, title_cases,
                               sizeof(title_cases) / sizeof(title_cases[0]));
}

ParameterizedTest(struct title_case *c, sentence, titles)
{
    char *title = ms_archive__sentence_title(c->text, strlen(c->text), 100);

    cr_assert_not_null(title);
    cr_expect_str_eq(title, c->title, "for \"%s\"", c->text);
    free(title);
}

/* Characters, not bytes: 100 Cyrillic letters are 200 bytes. */
Test(sentence, cuts_by_characters_at_a_word)
{
    char text[2048] = "";
    char *title;
    size_t chars = 0;

    for (int i = 0; i < 40; i++)
        strcat(text, "слово ");
    title = ms_archive__sentence_title(text, strlen(text), 100);
    cr_assert_not_null(title);
    for (const char *p = title; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    cr_expect_leq(chars, 101, "%zu characters: %s", chars, title);
    cr_expect_gt(chars, 80, "%zu characters: %s", chars, title);
    cr_expect(strstr(title, "слово" ELLIPSIS) != NULL, "cut inside a word: %s", title);
    free(title);
}

/* A text without a space (Chinese without full stops) is cut at 100
 * characters. */
Test(sentence, cuts_text_without_spaces_by_characters)
{
    char text[1024] = "";
    char *title;

    for (int i = 0; i < 150; i++)
        strcat(text, "数");
    title = ms_archive__sentence_title(text, strlen(text), 100);
    cr_assert_not_null(title);
    cr_expect_eq(strlen(title), 100 * 3 + strlen(ELLIPSIS));
    free(title);
}

struct markdown_case {
    char markdown[128];
    char text[128];
};

static struct markdown_case markdown_cases[] = {
    {"# Title\n\n## Method *now*\n", "Title\n\nMethod now\n"},
    /* Tables: no pipes, no separator row; cells joined. */
    {"| Recommendation | Implemented |\n|---|:--:|\n| Focal point (1999) | 4 "
     "|\n\nAfter.\n",
     "Recommendation \xc2\xb7 Implemented\nFocal point (1999) \xc2\xb7 4\n\nAfter.\n"},
    /* A table without outer pipes is known by its separator row. */
    {"a | b\n--- | ---\nc | d\n", "a \xc2\xb7 b\nc \xc2\xb7 d\n"},
    /* A pipe in prose, and an escaped one, stay. */
    {"either | or\n", "either | or\n"},
    {"| a \\| b | c |\n|---|---|\n", "a | b \xc2\xb7 c\n"},
    /* Bullets go, numbers stay; rules and quotes lose their marks. */
    {"- one\n* two\n+ three\n1. four\n", "one\ntwo\nthree\n1. four\n"},
    {"Before\n\n---\n***\n> quoted **bold** `code`\n",
     "Before\n\n\n\nquoted bold code\n"},
    /* Links keep their text; strikethrough marks go. */
    {"See [the report](https://example.org/r) and ~~old~~ ![map](m.png).\n",
     "See the report and old map.\n"},
    /* Fenced code is kept as it is. */
    {"```\n| a | b |\n- c\n```\n", "| a | b |\n- c\n"},
};

ParameterizedTestParameters(markdown, as_text)
{
    return cr_make_param_array(struct markdown_case, markdown_cases,
                               sizeof(markdown_cases) / sizeof(markdown_cases[0]));
}

ParameterizedTest(struct markdown_case *c, markdown, as_text)
{
    char *body = NULL, *heading = NULL;
    const char *md = c->markdown;

    cr_assert_eq(ms_archive__markdown_text(&body, &heading, md, md + strlen(md)),
                 MS_ARCHIVE_OK);
    cr_expect_str_eq(body, c->text, "for \"%s\"", md);
    free(body);
    free(heading);
}

/* The loader: the text loses the syntax, the field "markdown" keeps the
 * source after the front matter, and staff cannot replace it. */
Test(markdown, loader_keeps_the_source_beside_the_text)
{
    static const char file[] = "---\ntitle: T\nmarkdown: staff value\n---\n"
                               "# Head\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    ms_archive_doc_t *doc = NULL;
    ms_archive_error_t err;
    const char *source = NULL;

    cr_assert_eq(ms_archive__parse_text(&doc, MS_ARCHIVE__TEXT_MARKDOWN, "x/t.md", file,
                                        strlen(file), NULL, NULL, &err),
                 MS_ARCHIVE_OK, "%s", err.text);
    cr_expect(strchr(doc->body, '|') == NULL, "body: %s", doc->body);
    for (size_t i = 0; i < doc->n_fields; i++) {
        if (strcmp(doc->fields[i].name, "markdown") == 0) {
            cr_expect_null(source, "two markdown fields");
            source = doc->fields[i].value;
        }
    }
    cr_assert_not_null(source);
    cr_expect_str_eq(source, "# Head\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    ms_archive_doc_free(doc);
}
