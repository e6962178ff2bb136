/* synth.c - synthetic JSON lines archives drawn from the shared corpus
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: synth [OPTION]... CORPUS_DIR COUNT OUT_DIR
 *   CORPUS_DIR      read every .md and .txt file under it (README.md
 *                   excluded), English files only (see below)
 *   COUNT           documents to write (0 to 100000000)
 *   OUT_DIR         created if missing; gets synth-NNNNNN.jsonl files
 *   --seed N        random seed (default 1); same seed, corpus and COUNT,
 *                   same bytes out
 *   --per-file N    documents a .jsonl file (default 1000)
 *   --bigram P      probability that a word follows from the previous word's
 *                   bigram counts rather than the unigram counts (0 to 1,
 *                   default 0.5)
 *   --queries FILE  also write N queries (one a line) of 1 to 4
 *                   mid-frequency words; they depend on the seed and the
 *                   corpus, never on COUNT, so every size gets the same list
 *   --nqueries N    queries written with --queries (default 200)
 *   --max-words N   longest document body in words (default 40000)
 * Prints a one-line summary of the model on standard error.
 *
 * Built by tests/bench/scale.sh (issue 7 part 3) with cc -O2; not part of
 * the CMake build. The model is deliberately simple: unigram and bigram
 * counts of lower-cased ASCII words, and the empirical distribution of
 * words a file. It reproduces the corpus's term frequency curve and document
 * lengths, not its topics or its vocabulary growth: a real archive of a
 * million documents has far more distinct words than the corpus's tens of
 * thousands, so the synthetic index's term list is smaller than a real
 * one's.
 *
 * English only: a file is used when at least 12% of its words are common
 * English function words and those outnumber common French, Spanish,
 * Portuguese, Dutch and German ones three to one. That keeps the English
 * speeches, the SDG and GCM texts, the IOM report and the parallel corpus's
 * English side, and drops the treaties (English followed by Dutch in one
 * file) and the other languages. A word is a run of ASCII letters and digits
 * of at most 40 bytes; a run touching a non-ASCII byte is dropped whole
 * rather than split, so the output is always ASCII and valid JSON text.
 *
 * Everything that is iterated is sorted first (the file list, the
 * vocabulary, the bigrams), so the output does not depend on directory or
 * hash order.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_WORD 40
#define MAX_FILE_BYTES (64L * 1024 * 1024)
#define MAX_COUNT 100000000ULL
#define MIN_FILE_WORDS 20

/* ---- random numbers: xoshiro256**, seeded through splitmix64 ---- */

struct rng {
    uint64_t s[4];
};

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
    uint64_t result = rotl(r->s[1] * 5, 7) * 9;
    uint64_t t = r->s[1] << 17;

    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = rotl(r->s[3], 45);
    return result;
}

/* A number in [0, n), n > 0; the tiny bias of the multiply-shift method
 * does not matter here. */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

static double
rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- the vocabulary: a hash table of words, then sorted by count ---- */

struct word {
    char *text;
    uint64_t count;
};

struct vocab {
    struct word *words; /* by id, in order of first sight, then re-sorted */
    size_t n, cap;
    uint32_t *slots; /* open addressing: id + 1, 0 = empty */
    size_t n_slots;
};

static uint64_t
hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static bool
vocab_grow(struct vocab *v)
{
    size_t n_slots = v->n_slots ? v->n_slots * 2 : 1 << 16;
    uint32_t *slots = calloc(n_slots, sizeof(*slots));

    if (!slots)
        return false;
    for (size_t i = 0; i < v->n; i++) {
        const char *t = v->words[i].text;
        size_t h = hash_bytes(t, strlen(t)) & (n_slots - 1);
        while (slots[h])
            h = (h + 1) & (n_slots - 1);
        slots[h] = (uint32_t)i + 1;
    }
    free(v->slots);
    v->slots = slots;
    v->n_slots = n_slots;
    return true;
}

/* The id of the word s[0..len), added with count 0 if new; -1 when out of
 * memory. */
static long
vocab_intern(struct vocab *v, const char *s, size_t len)
{
    if (v->n * 2 >= v->n_slots && !vocab_grow(v))
        return -1;
    size_t h = hash_bytes(s, len) & (v->n_slots - 1);
    while (v->slots[h]) {
        struct word *w = &v->words[v->slots[h] - 1];
        if (strncmp(w->text, s, len) == 0 && w->text[len] == '\0')
            return (long)v->slots[h] - 1;
        h = (h + 1) & (v->n_slots - 1);
    }
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4096;
        struct word *words = realloc(v->words, cap * sizeof(*words));
        if (!words)
            return -1;
        v->words = words;
        v->cap = cap;
    }
    char *text = malloc(len + 1);
    if (!text)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    v->words[v->n] = (struct word){text, 0};
    v->slots[h] = (uint32_t)v->n + 1;
    return (long)v->n++;
}

/* ---- reading the corpus ---- */

struct tokens {
    uint32_t *ids; /* every kept word of every kept file, in order */
    size_t n, cap;
    size_t *file_start; /* index into ids where each kept file starts */
    size_t n_files, cap_files;
};

static char **paths;
static size_t n_paths, cap_paths;

static bool
has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int
collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    const char *base = path + ftw->base;

    if (type != FTW_F || strcmp(base, "README.md") == 0)
        return 0;
    if (!has_suffix(base, ".md") && !has_suffix(base, ".txt"))
        return 0;
    if (n_paths == cap_paths) {
        size_t cap = cap_paths ? cap_paths * 2 : 1024;
        char **p = realloc(paths, cap * sizeof(*p));
        if (!p)
            return -1;
        paths = p;
        cap_paths = cap;
    }
    if (!(paths[n_paths] = strdup(path)))
        return -1;
    n_paths++;
    return 0;
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
in_list(const char *word, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(word, *list) == 0)
            return true;
    }
    return false;
}

static const char *const english_words[] = {
    "the",  "and", "of",  "to",   "in",    "is",  "for",   "that",  "with", "on",
    "are",  "be",  "by",  "this", "as",    "it",  "from",  "which", "or",   "an",
    "have", "has", "was", "were", "their", "its", "shall", "will",  "not",  NULL};
static const char *const other_words[] = {
    "de",  "la",  "le",  "et",  "les", "des",  "el",   "los", "que",  "del", "y",
    "het", "van", "een", "und", "der", "die",  "da",   "do",  "em",   "os",  "para",
    "por", "du",  "une", "est", "las", "zijn", "voor", "dat", "niet", NULL};

/* A word of a file: where it starts in the (lower-cased) file buffer. */
struct span {
    size_t start;
    size_t len;
};

static bool
is_alnum_ascii(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Lower-cases s[0..len) in place, lists its words in *spans (grown as
 * needed) and says whether the text reads as English (see the file
 * comment). Returns -1 when out of memory. */
static int
read_words(char *s, size_t len, struct span **spans, size_t *cap, size_t *out_n)
{
    size_t n = 0, english = 0, other = 0, i = 0;
    char word[MAX_WORD + 1];

    while (i < len) {
        if (!is_alnum_ascii((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t start = i;
        for (; i < len && is_alnum_ascii((unsigned char)s[i]); i++) {
            if (s[i] >= 'A' && s[i] <= 'Z')
                s[i] = (char)(s[i] + 32);
        }
        bool touches_utf8 = (start > 0 && (unsigned char)s[start - 1] >= 0x80) ||
                            (i < len && (unsigned char)s[i] >= 0x80);
        size_t wlen = i - start;
        if (touches_utf8 || wlen > MAX_WORD)
            continue;
        if (n == *cap) {
            size_t new_cap = *cap ? *cap * 2 : 4096;
            struct span *p = realloc(*spans, new_cap * sizeof(*p));
            if (!p)
                return -1;
            *spans = p;
            *cap = new_cap;
        }
        (*spans)[n++] = (struct span){start, wlen};
        memcpy(word, s + start, wlen);
        word[wlen] = '\0';
        if (in_list(word, english_words))
            english++;
        else if (in_list(word, other_words))
            other++;
    }
    *out_n = n;
    return n >= MIN_FILE_WORDS && english * 100 >= n * 12 && english >= 3 * other;
}

/* Reads every English file into v and t. Returns 0, or 1 with a message
 * printed (this is a program, not a library). */
static int
read_corpus(const char *dir, struct vocab *v, struct tokens *t)
{
    char *buf = NULL;
    struct span *spans = NULL;
    size_t spans_cap = 0;
    bool oom = false;
    int rc = 1;

    if (nftw(dir, collect, 32, FTW_PHYS) != 0) {
        fprintf(stderr, "synth: %s: cannot walk: %s\n", dir, strerror(errno));
        goto out;
    }
    qsort(paths, n_paths, sizeof(*paths), compare_strings);
    if (!(buf = malloc(MAX_FILE_BYTES))) {
        oom = true;
        goto out;
    }
    for (size_t f = 0; f < n_paths; f++) {
        FILE *in = fopen(paths[f], "rb");
        if (!in) {
            fprintf(stderr, "synth: %s: %s (skipped)\n", paths[f], strerror(errno));
            continue;
        }
        size_t len = fread(buf, 1, MAX_FILE_BYTES, in);
        bool too_big = len == MAX_FILE_BYTES && fgetc(in) != EOF;
        fclose(in);
        if (too_big)
            continue;
        size_t n;
        int english = read_words(buf, len, &spans, &spans_cap, &n);
        if (english < 0) {
            oom = true;
            goto out;
        }
        if (!english)
            continue;
        if (t->n_files == t->cap_files) {
            size_t cap = t->cap_files ? t->cap_files * 2 : 1024;
            size_t *p = realloc(t->file_start, (cap + 1) * sizeof(*p));
            if (!p) {
                oom = true;
                goto out;
            }
            t->file_start = p;
            t->cap_files = cap;
        }
        t->file_start[t->n_files++] = t->n;
        for (size_t k = 0; k < n; k++) {
            long id = vocab_intern(v, buf + spans[k].start, spans[k].len);
            if (id < 0) {
                oom = true;
                goto out;
            }
            if (t->n == t->cap) {
                size_t cap = t->cap ? t->cap * 2 : 1 << 16;
                uint32_t *ids = realloc(t->ids, cap * sizeof(*ids));
                if (!ids) {
                    oom = true;
                    goto out;
                }
                t->ids = ids;
                t->cap = cap;
            }
            t->ids[t->n++] = (uint32_t)id;
            v->words[id].count++;
        }
    }
    if (!t->n_files) {
        fprintf(stderr, "synth: %s: no English .md or .txt file\n", dir);
        goto out;
    }
    t->file_start[t->n_files] = t->n;
    rc = 0;
out:
    if (oom)
        fprintf(stderr, "synth: out of memory\n");
    free(buf);
    free(spans);
    return rc;
}

/* ---- the model: words by count, bigram successors, file lengths ---- */

struct model {
    struct word *words; /* borrowed from the vocabulary, most frequent first */
    size_t n_words;
    uint64_t *cum; /* cum[i] = count of words 0..i */
    /* Bigram successors of word i: next[succ_start[i] .. succ_start[i+1])
     * with cumulative counts next_cum. */
    size_t *succ_start;
    uint32_t *next;
    uint64_t *next_cum;
    size_t *lengths; /* words in each kept file */
    size_t n_lengths;
};

static int
compare_words(const void *a, const void *b)
{
    const struct word *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->text, y->text);
}

static int
compare_pairs(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Builds m from v and t; renumbers t's ids by rank. Returns false when out
 * of memory. */
static bool
build_model(struct model *m, struct vocab *v, struct tokens *t)
{
    uint32_t *rank = NULL;
    uint64_t *pairs = NULL;
    size_t n_pairs = 0;
    bool ok = false;

    /* Sort (word, old id) pairs so that old ids can be mapped to ranks. */
    struct ranked {
        struct word w;
        uint32_t id;
    } *r = malloc(v->n * sizeof(*r));
    rank = malloc(v->n * sizeof(*rank));
    if (!r || !rank)
        goto out;
    for (size_t i = 0; i < v->n; i++)
        r[i] = (struct ranked){v->words[i], (uint32_t)i};
    qsort(r, v->n, sizeof(*r), compare_words);
    for (size_t i = 0; i < v->n; i++) {
        v->words[i] = r[i].w;
        rank[r[i].id] = (uint32_t)i;
    }
    for (size_t i = 0; i < t->n; i++)
        t->ids[i] = rank[t->ids[i]];
    m->words = v->words;
    m->n_words = v->n;

    m->cum = malloc(v->n * sizeof(*m->cum));
    m->succ_start = calloc(v->n + 1, sizeof(*m->succ_start));
    m->lengths = malloc(t->n_files * sizeof(*m->lengths));
    pairs = malloc((t->n ? t->n : 1) * sizeof(*pairs));
    if (!m->cum || !m->succ_start || !m->lengths || !pairs)
        goto out;
    uint64_t sum = 0;
    for (size_t i = 0; i < v->n; i++)
        m->cum[i] = sum += v->words[i].count;
    for (size_t f = 0; f < t->n_files; f++) {
        size_t a = t->file_start[f], b = t->file_start[f + 1];
        m->lengths[f] = b - a;
        for (size_t i = a + 1; i < b; i++)
            pairs[n_pairs++] = (uint64_t)t->ids[i - 1] << 32 | t->ids[i];
    }
    m->n_lengths = t->n_files;
    qsort(pairs, n_pairs, sizeof(*pairs), compare_pairs);

    /* Distinct pairs, counted: successors grouped by first word. */
    m->next = malloc((n_pairs ? n_pairs : 1) * sizeof(*m->next));
    m->next_cum = malloc((n_pairs ? n_pairs : 1) * sizeof(*m->next_cum));
    if (!m->next || !m->next_cum)
        goto out;
    size_t n_next = 0;
    for (size_t i = 0; i < n_pairs;) {
        size_t j = i;
        while (j < n_pairs && pairs[j] == pairs[i])
            j++;
        uint32_t first = (uint32_t)(pairs[i] >> 32);
        bool new_first = n_next == 0 || (uint32_t)(pairs[i - 1] >> 32) != first;
        m->next[n_next] = (uint32_t)pairs[i];
        m->next_cum[n_next] = (new_first ? 0 : m->next_cum[n_next - 1]) + (j - i);
        m->succ_start[first + 1]++;
        n_next++;
        i = j;
    }
    for (size_t i = 0; i < v->n; i++)
        m->succ_start[i + 1] += m->succ_start[i];
    ok = true;
out:
    free(r);
    free(rank);
    free(pairs);
    return ok;
}

/* Index of the first element of cum[0..n) greater than x. */
static size_t
upper_bound(const uint64_t *cum, size_t n, uint64_t x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static uint32_t
draw_unigram(const struct model *m, struct rng *r)
{
    return (uint32_t)upper_bound(m->cum, m->n_words,
                                 rng_below(r, m->cum[m->n_words - 1]));
}

static uint32_t
draw_word(const struct model *m, struct rng *r, uint32_t prev, double bigram)
{
    size_t a = m->succ_start[prev], b = m->succ_start[prev + 1];

    if (a == b || rng_unit(r) >= bigram)
        return draw_unigram(m, r);
    return m
        ->next[a + upper_bound(m->next_cum + a, b - a, rng_below(r, m->next_cum[b - 1]))];
}

/* ---- metadata, weighted towards the first entries like real facets ---- */

static const char *const processes[] = {"Issyk-Kul Dialogue",
                                        "Budapest Process",
                                        "Colombo Process",
                                        "Abu Dhabi Dialogue",
                                        "Bali Process",
                                        "Almaty Process",
                                        "Prague Process",
                                        "Rabat Process",
                                        "Khartoum Process",
                                        "Puebla Process",
                                        "MIDSA",
                                        "MIDWA",
                                        "AU/IMP Dialogue",
                                        "Caribbean Regional Consultation"};
static const char *const process_codes[] = {"ikd", "bud", "col", "add", "bal",
                                            "alm", "pra", "rab", "kha", "pue",
                                            "mds", "mdw", "au",  "crc"};
static const char *const countries[] = {"Kyrgyzstan",
                                        "Kazakhstan",
                                        "Tajikistan",
                                        "Uzbekistan",
                                        "Turkmenistan",
                                        "Afghanistan",
                                        "Pakistan",
                                        "India",
                                        "Bangladesh",
                                        "Nepal",
                                        "Sri Lanka",
                                        "Philippines",
                                        "Indonesia",
                                        "Thailand",
                                        "Viet Nam",
                                        "China",
                                        "Mongolia",
                                        "Russian Federation",
                                        "Ukraine",
                                        "Georgia",
                                        "Armenia",
                                        "Azerbaijan",
                                        "Turkey",
                                        "Jordan",
                                        "Lebanon",
                                        "Egypt",
                                        "Morocco",
                                        "Tunisia",
                                        "Libya",
                                        "Niger",
                                        "Mali",
                                        "Senegal",
                                        "Gambia",
                                        "Nigeria",
                                        "Ghana",
                                        "Ethiopia",
                                        "Sudan",
                                        "Somalia",
                                        "Kenya",
                                        "Uganda",
                                        "South Africa",
                                        "Zimbabwe",
                                        "Mexico",
                                        "Guatemala",
                                        "Honduras",
                                        "El Salvador",
                                        "Ecuador",
                                        "Colombia",
                                        "Peru",
                                        "Brazil",
                                        "Jamaica",
                                        "Haiti",
                                        "Dominican Republic",
                                        "Trinidad and Tobago",
                                        "Guyana",
                                        "Spain",
                                        "Italy",
                                        "Germany",
                                        "United Kingdom",
                                        "United Arab Emirates"};
static const char *const themes[] = {
    "labour mobility",       "remittances",         "trafficking",
    "border management",     "migrants' rights",    "diaspora",
    "return migration",      "irregular migration", "migration data",
    "health workers",        "social cohesion",     "climate and migration",
    "smuggling of migrants", "integration"};
static const char *const types[] = {"recommendation", "report", "workshop", "other"};
static const char *const statuses[] = {"implemented", "partially implemented",
                                       "not implemented", "no information"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* An index in [0, n) with weight 1/(i+1): a few values are common, most
 * rare, as with countries and themes in the real catalogue. */
static size_t
draw_zipf(struct rng *r, size_t n)
{
    double total = 0, x;

    for (size_t i = 0; i < n; i++)
        total += 1.0 / (double)(i + 1);
    x = rng_unit(r) * total;
    for (size_t i = 0; i < n; i++) {
        x -= 1.0 / (double)(i + 1);
        if (x < 0)
            return i;
    }
    return n - 1;
}

/* Writes a JSON string of the ASCII or UTF-8 text s (escaping what JSON
 * requires). */
static void
put_json_string(FILE *out, const char *s)
{
    putc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            putc(c, out);
    }
    putc('"', out);
}

/* Distinct draws for a list facet, written as a JSON array. */
static void
put_list(FILE *out, struct rng *r, const char *const *values, size_t n_values, size_t n)
{
    size_t chosen[8];
    size_t k = 0;

    putc('[', out);
    for (size_t tries = 0; k < n && k < 8 && tries < 32; tries++) {
        size_t i = draw_zipf(r, n_values);
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup = dup || chosen[j] == i;
        if (dup)
            continue;
        if (k)
            putc(',', out);
        put_json_string(out, values[i]);
        chosen[k++] = i;
    }
    putc(']', out);
}

struct text {
    char *s;
    size_t len, cap;
};

static bool
text_add(struct text *t, const char *s, size_t len)
{
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + len + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (!p)
            return false;
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, len);
    t->len += len;
    t->s[t->len] = '\0';
    return true;
}

/* n words of generated text in sentences of 6 to 30 words, the first word
 * of each capitalised, paragraphs every few sentences. */
static bool
make_text(struct text *t, const struct model *m, struct rng *r, size_t n, double bigram,
          bool sentences)
{
    uint32_t prev = draw_unigram(m, r);
    size_t left_in_sentence = 0, sentences_left = 0;

    t->len = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = i ? draw_word(m, r, prev, bigram) : prev;
        const char *w = m->words[id].text;
        bool start = sentences ? left_in_sentence == 0 : i == 0;
        if (i) {
            if (sentences && start) {
                if (!text_add(t, ".", 1))
                    return false;
                if (sentences_left == 0) {
                    if (!text_add(t, "\n\n", 2))
                        return false;
                    sentences_left = 2 + rng_below(r, 5);
                } else {
                    if (!text_add(t, " ", 1))
                        return false;
                    sentences_left--;
                }
            } else if (!text_add(t, " ", 1)) {
                return false;
            }
        }
        if (sentences && start)
            left_in_sentence = 6 + rng_below(r, 25);
        size_t start_len = t->len;
        if (!text_add(t, w, strlen(w)))
            return false;
        if (start && t->s[start_len] >= 'a' && t->s[start_len] <= 'z')
            t->s[start_len] -= 32;
        if (sentences)
            left_in_sentence--;
        prev = id;
    }
    if (sentences && n && !text_add(t, ".", 1))
        return false;
    return true;
}

static bool
write_document(FILE *out, const struct model *m, struct rng *r, uint64_t number,
               double bigram, size_t max_words, struct text *body, struct text *title)
{
    size_t base = m->lengths[rng_below(r, m->n_lengths)];
    /* +-25% so that documents of one source length do not all repeat it. */
    size_t n = (size_t)((double)base * (0.75 + 0.5 * rng_unit(r)));
    if (n < 5)
        n = 5;
    if (n > max_words)
        n = max_words;
    if (!make_text(title, m, r, 3 + rng_below(r, 8), bigram, false) ||
        !make_text(body, m, r, n, bigram, true))
        return false;

    size_t p = draw_zipf(r, COUNT_OF(processes));
    unsigned year = 1990 + (unsigned)rng_below(r, 36);
    unsigned month = 1 + (unsigned)rng_below(r, 12);
    size_t type = rng_below(r, 10);
    type = type < 5 ? 0 : type < 7 ? 1 : type < 9 ? 2 : 3;
    char id[64], meeting[64], date[16], symbol[64];

    snprintf(id, sizeof(id), "synth-%08llu", (unsigned long long)number);
    snprintf(meeting, sizeof(meeting), "%s-%u-%u", process_codes[p], year,
             1 + (unsigned)rng_below(r, 3));
    snprintf(date, sizeof(date), "%u-%02u", year, month);
    snprintf(symbol, sizeof(symbol), "MS/%s/%u/%llu", process_codes[p], year,
             (unsigned long long)(number % 997));

    fputs("{\"id\":", out);
    put_json_string(out, id);
    fputs(",\"title\":", out);
    title->s[0] =
        title->s[0] >= 'a' && title->s[0] <= 'z' ? title->s[0] - 32 : title->s[0];
    put_json_string(out, title->s);
    fputs(",\"type\":", out);
    put_json_string(out, types[type]);
    fprintf(out, ",\"date\":\"%s\",\"language\":\"en\",\"process\":", date);
    put_json_string(out, processes[p]);
    fputs(",\"meeting\":", out);
    put_json_string(out, meeting);
    fputs(",\"symbol\":", out);
    put_json_string(out, symbol);
    if (type == 0) {
        fputs(",\"status\":", out);
        put_json_string(out, statuses[draw_zipf(r, COUNT_OF(statuses))]);
        fprintf(out, ",\"number\":\"%u\"", 1 + (unsigned)rng_below(r, 30));
    }
    fputs(",\"countries\":", out);
    put_list(out, r, countries, COUNT_OF(countries), 1 + rng_below(r, 4));
    fputs(",\"themes\":", out);
    put_list(out, r, themes, COUNT_OF(themes), 1 + rng_below(r, 3));
    fputs(",\"text\":", out);
    put_json_string(out, body->s);
    fputs("}\n", out);
    return !ferror(out);
}

/* ---- queries ---- */

static bool
is_query_word(const char *w)
{
    size_t len = strlen(w);
    bool letters = false;

    for (size_t i = 0; i < len; i++)
        letters = letters || (w[i] >= 'a' && w[i] <= 'z');
    return len >= 3 && letters && !in_list(w, english_words) && !in_list(w, other_words);
}

/* Words ranked 100 to 3000 by frequency (past the function words, before
 * the hapaxes), 1 to 4 a query. Uses its own random stream so that the
 * list does not depend on COUNT. */
static int
write_queries(const char *path, const struct model *m, uint64_t seed, size_t n)
{
    struct rng r;
    size_t lo = m->n_words > 200 ? 100 : 0;
    size_t hi = m->n_words < 3000 ? m->n_words : 3000;
    uint32_t *pool = malloc((hi - lo + 1) * sizeof(*pool));
    size_t n_pool = 0;
    FILE *out = NULL;
    int rc = 1;

    if (!pool) {
        fprintf(stderr, "synth: out of memory\n");
        goto out;
    }
    for (size_t i = lo; i < hi; i++) {
        if (is_query_word(m->words[i].text))
            pool[n_pool++] = (uint32_t)i;
    }
    if (n_pool < 4) {
        fprintf(stderr, "synth: too few words for queries\n");
        goto out;
    }
    if (!(out = fopen(path, "w"))) {
        fprintf(stderr, "synth: %s: %s\n", path, strerror(errno));
        goto out;
    }
    rng_seed(&r, seed ^ 0x5155455259ULL);
    for (size_t q = 0; q < n; q++) {
        size_t k = 1 + rng_below(&r, 4);
        uint32_t chosen[4];
        for (size_t j = 0; j < k; j++) {
            bool dup;
            do {
                chosen[j] = pool[rng_below(&r, n_pool)];
                dup = false;
                for (size_t i = 0; i < j; i++)
                    dup = dup || chosen[i] == chosen[j];
            } while (dup);
            fprintf(out, "%s%s", j ? " " : "", m->words[chosen[j]].text);
        }
        putc('\n', out);
    }
    if (fclose(out) != 0) {
        out = NULL;
        fprintf(stderr, "synth: %s: %s\n", path, strerror(errno));
        goto out;
    }
    out = NULL;
    rc = 0;
out:
    if (out)
        fclose(out);
    free(pool);
    return rc;
}

/* ---- command line ---- */

static bool
parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;

    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static void
usage(void)
{
    fputs("usage: synth [--seed N] [--per-file N] [--bigram P] [--queries FILE]\n"
          "             [--nqueries N] [--max-words N] CORPUS_DIR COUNT OUT_DIR\n",
          stderr);
}

int
main(int argc, char **argv)
{
    unsigned long long seed = 1, per_file = 1000, nqueries = 200, max_words = 40000;
    unsigned long long count;
    double bigram = 0.5;
    const char *queries = NULL;
    const char *positional[3];
    int n_positional = 0;
    struct vocab v = {0};
    struct tokens t = {0};
    struct model m = {0};
    struct text body = {0}, title = {0};
    FILE *out = NULL;
    char *file_path = NULL;
    int rc = 2;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (strcmp(a, "--seed") == 0)
            ok = parse_uint(val, UINT64_MAX, &seed), i++;
        else if (strcmp(a, "--per-file") == 0)
            ok = parse_uint(val, 1000000, &per_file) && per_file > 0, i++;
        else if (strcmp(a, "--nqueries") == 0)
            ok = parse_uint(val, 1000000, &nqueries), i++;
        else if (strcmp(a, "--max-words") == 0)
            ok = parse_uint(val, 1000000, &max_words) && max_words >= 5, i++;
        else if (strcmp(a, "--queries") == 0)
            ok = val && *val, queries = val, i++;
        else if (strcmp(a, "--bigram") == 0) {
            char *end;
            ok = val && *val;
            if (ok) {
                errno = 0;
                bigram = strtod(val, &end);
                ok = !errno && !*end && bigram >= 0 && bigram <= 1;
            }
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            ok = false;
        } else if (n_positional < 3) {
            positional[n_positional++] = a;
        } else {
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "synth: bad argument: %s%s%s\n", a, val ? " " : "",
                    val ? val : "");
            usage();
            goto out;
        }
    }
    if (n_positional != 3) {
        usage();
        goto out;
    }
    if (!parse_uint(positional[1], MAX_COUNT, &count)) {
        fprintf(stderr, "synth: COUNT must be a number from 0 to %llu\n", MAX_COUNT);
        goto out;
    }
    const char *outdir = positional[2];
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "synth: %s: %s\n", outdir, strerror(errno));
        goto out;
    }
    struct stat st;
    if (stat(outdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "synth: %s: not a folder\n", outdir);
        goto out;
    }

    rc = 1;
    if (read_corpus(positional[0], &v, &t) != 0)
        goto out;
    if (!build_model(&m, &v, &t)) {
        fprintf(stderr, "synth: out of memory\n");
        goto out;
    }
    double mean = 0;
    for (size_t i = 0; i < m.n_lengths; i++)
        mean += (double)m.lengths[i];
    fprintf(stderr,
            "synth: %zu English files of %zu, %zu words, %zu distinct, %zu bigrams, "
            "%.0f words a file on average\n",
            m.n_lengths, n_paths, t.n, m.n_words, m.succ_start[m.n_words],
            mean / (double)m.n_lengths);
    if (queries && write_queries(queries, &m, seed, nqueries) != 0)
        goto out;

    size_t path_len = strlen(outdir) + 32;
    struct rng r;
    if (!(file_path = malloc(path_len))) {
        fprintf(stderr, "synth: out of memory\n");
        goto out;
    }
    rng_seed(&r, seed);
    for (unsigned long long d = 0; d < count; d++) {
        if (d % per_file == 0) {
            if (out && fclose(out) != 0) {
                out = NULL;
                fprintf(stderr, "synth: %s: %s\n", file_path, strerror(errno));
                goto out;
            }
            snprintf(file_path, path_len, "%s/synth-%06llu.jsonl", outdir, d / per_file);
            if (!(out = fopen(file_path, "w"))) {
                fprintf(stderr, "synth: %s: %s\n", file_path, strerror(errno));
                goto out;
            }
            setvbuf(out, NULL, _IOFBF, 1 << 20);
        }
        if (!write_document(out, &m, &r, d + 1, bigram, max_words, &body, &title)) {
            fprintf(stderr, "synth: %s: write failed: %s\n", file_path, strerror(errno));
            goto out;
        }
    }
    if (out && fclose(out) != 0) {
        out = NULL;
        fprintf(stderr, "synth: %s: %s\n", file_path, strerror(errno));
        goto out;
    }
    out = NULL;
    rc = 0;
out:
    if (out)
        fclose(out);
    free(file_path);
    free(body.s);
    free(title.s);
    free(m.cum);
    free(m.succ_start);
    free(m.next);
    free(m.next_cum);
    free(m.lengths);
    for (size_t i = 0; i < v.n; i++)
        free(v.words[i].text);
    free(v.words);
    free(v.slots);
    free(t.ids);
    free(t.file_start);
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    return rc;
}
