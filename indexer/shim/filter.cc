/* filter.cc - a search's filters and date range as one restricting query
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A filter names a field of ms_schema.h that has a term prefix, by its
 * name or its param ("language" or "lang"); its value is folded like the
 * values written at index time. Filters on the same field are ORed,
 * different fields ANDed (docs/index-schema.md, "Filterable fields"),
 * but for country and status together, which match the status those
 * countries reported (pairs.cc). The
 * date range follows the one date rule of ms_date.h: a bound names a real
 * day, month or year, "from" its first day and "to" its last, so a range
 * takes in the partial dates stored inside it.
 */
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "index-pairs.hh"
#include "index-private.hh"
#include "ms_date.h"

/* "unknown filter field 'x'", the name (user input) shown printable and
 * short. */
static ms_index_status_t
unknown_field(ms_index_t *idx, const char *field)
{
    char name[64];
    size_t n = 0;
    for (const char *s = field; *s && n + 1 < sizeof name; s++) {
        unsigned char c = static_cast<unsigned char>(*s);
        name[n++] = (c >= 0x20 && c < 0x7f) ? *s : '?';
    }
    name[n] = '\0';
    char text[128];
    snprintf(text, sizeof text, "unknown filter field '%s'", name);
    return ms_index__fail(idx, MS_INDEX_BAD_QUERY, text);
}

/* The filters of 'search': one OR per field, ANDed across fields. */
static ms_index_status_t
build_filter(Xapian::Query *out, ms_index_t *idx, const ms_search_t *search)
{
    std::vector<std::pair<const ms_index_field *, std::vector<Xapian::Query>>> groups;
    if (!search->filters)
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY, "filters missing");
    for (size_t i = 0; i < search->n_filters; i++) {
        const ms_field_t *filter = &search->filters[i];
        if (!filter->name || !filter->value)
            return ms_index__fail(idx, MS_INDEX_BAD_QUERY,
                                  "filter without a name or value");
        const ms_index_field *field = ms_index__field(filter->name, MS_INDEX_FOR_FILTER);
        if (!field)
            return unknown_field(idx, filter->name);
        Xapian::Query term(ms_index__boolean_term(field->prefix, filter->value));
        bool found = false;
        for (auto &group : groups) {
            if (group.first == field) {
                group.second.push_back(term);
                found = true;
                break;
            }
        }
        if (!found)
            groups.emplace_back(field, std::vector<Xapian::Query>{term});
    }
    /* Country and status together: the status that country reported. */
    size_t paired = 0;
    for (const auto &group : groups)
        paired += ms_index__pair_filtered(group.first);
    std::vector<Xapian::Query> ands;
    if (paired == 2)
        ands.push_back(ms_index__pair_query(ms_index__pair_filter_of(search)));
    for (const auto &group : groups) {
        if (paired != 2 || !ms_index__pair_filtered(group.first))
            ands.emplace_back(Xapian::Query::OP_OR, group.second.begin(),
                              group.second.end());
    }
    *out = Xapian::Query(Xapian::Query::OP_AND, ands.begin(), ands.end());
    return MS_INDEX_OK;
}

/* 'date' as a bound on the YYYYMMDD value of MS_INDEX_SLOT_DATE into
 * *out: the key of its first day for 'from', of its last for 'to' (ms_date.h).
 * NULL or "" leaves *out empty: that end is open. False if the date is
 * not a real one. */
static bool
date_bound(std::string *out, const char *date, ms_date_end_t end)
{
    if (!date || !date[0])
        return true;
    ms_date_t parsed;
    if (!ms_date_parse(&parsed, date))
        return false;
    char key[9];
    ms_date_key(key, &parsed, end);
    *out = key;
    return true;
}

/* The date range of 'search' as a query on MS_INDEX_SLOT_DATE in *out,
 * with *any set when there is one (an empty range is an empty query, which
 * Xapian treats as matching nothing). Undated documents have no value and
 * so fall outside any range. */
static ms_index_status_t
build_date_range(Xapian::Query *out, bool *any, ms_index_t *idx,
                 const ms_search_t *search)
{
    std::string from, to;
    if (!date_bound(&from, search->date_from, MS_DATE_FIRST))
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY,
                              "invalid date_from (expected YYYY, YYYY-MM or YYYY-MM-DD)");
    if (!date_bound(&to, search->date_to, MS_DATE_LAST))
        return ms_index__fail(idx, MS_INDEX_BAD_QUERY,
                              "invalid date_to (expected YYYY, YYYY-MM or YYYY-MM-DD)");
    *any = !from.empty() || !to.empty();
    if (!from.empty() && !to.empty())
        *out = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, MS_INDEX_SLOT_DATE, from, to);
    else if (!from.empty())
        *out = Xapian::Query(Xapian::Query::OP_VALUE_GE, MS_INDEX_SLOT_DATE, from);
    else if (!to.empty())
        *out = Xapian::Query(Xapian::Query::OP_VALUE_LE, MS_INDEX_SLOT_DATE, to);
    return MS_INDEX_OK;
}

ms_index_status_t
ms_index__restrictions(Xapian::Query *out, bool *any, ms_index_t *idx,
                       const ms_search_t *search)
{
    std::vector<Xapian::Query> restrictions;
    if (search->n_filters) {
        Xapian::Query filter;
        ms_index_status_t status = build_filter(&filter, idx, search);
        if (status != MS_INDEX_OK)
            return status;
        restrictions.push_back(filter);
    }
    Xapian::Query dates;
    bool dated = false;
    ms_index_status_t status = build_date_range(&dates, &dated, idx, search);
    if (status != MS_INDEX_OK)
        return status;
    if (dated)
        restrictions.push_back(dates);
    *any = !restrictions.empty();
    if (*any)
        *out = Xapian::Query(Xapian::Query::OP_AND, restrictions.begin(),
                             restrictions.end());
    return MS_INDEX_OK;
}

/* Whether 'query' holds a phrase or NEAR: a subquery whose match Xapian
 * confirms from positions after the words have matched. */
static bool
positional(const Xapian::Query &query)
{
    Xapian::Query::op op = query.get_type();
    if (op == Xapian::Query::OP_PHRASE || op == Xapian::Query::OP_NEAR)
        return true;
    for (size_t i = 0; i < query.get_num_subqueries(); i++)
        if (positional(query.get_subquery(i)))
            return true;
    return false;
}

/* The documents outside 'query', stepped through its own: every document
 * 'query' leaves out, with one step of every document it keeps. */
static Xapian::Query
outside(const Xapian::Query &query)
{
    return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query(std::string()), query);
}

/* 'query' with the same matches and weights, built so that no OR with a
 * phrase below it is asked whether a document matches with a weight to
 * reach (the defect of ms_index__restrict below), at any depth: an AND
 * as the OR of its sides less the documents of some side but not all, an
 * AND_MAYBE with a phrase on its right as the OR of its sides less the
 * documents of its right side not in its left, a FILTER as its left side
 * less what of it the filter leaves out. What is left out is unweighted,
 * where Xapian answers right, so it is built of the sides as they were:
 * each side is rebuilt once, and the query grows linearly with its depth.
 * An OR, SYNONYM, XOR or MAX is rebuilt of its sides so; other operators,
 * and a side without a phrase, stay as they are. */
static Xapian::Query
stepped(const Xapian::Query &query)
{
    using Q = Xapian::Query;
    if (!positional(query))
        return query;
    Q::op op = query.get_type();
    size_t n = query.get_num_subqueries();
    std::vector<Q> sides, as_was;
    bool right_positional = false;
    for (size_t i = 0; i < n; i++) {
        as_was.push_back(query.get_subquery(i));
        sides.push_back(stepped(as_was.back()));
        right_positional = right_positional || (i > 0 && positional(as_was.back()));
    }
    switch (op) {
    case Q::OP_AND:
        return Q(Q::OP_AND_NOT, Q(Q::OP_OR, sides.begin(), sides.end()),
                 Q(Q::OP_AND_NOT, Q(Q::OP_OR, as_was.begin(), as_was.end()),
                   Q(Q::OP_AND, as_was.begin(), as_was.end())));
    case Q::OP_AND_MAYBE:
        if (!right_positional)
            return Q(op, sides.begin(), sides.end());
        return Q(
            Q::OP_AND_NOT, Q(Q::OP_OR, sides.begin(), sides.end()),
            Q(Q::OP_AND_NOT, Q(Q::OP_OR, as_was.begin() + 1, as_was.end()), as_was[0]));
    case Q::OP_FILTER:
        return Q(
            Q::OP_AND_NOT, sides[0],
            Q(Q::OP_AND_NOT, as_was[0], Q(Q::OP_AND, as_was.begin() + 1, as_was.end())));
    case Q::OP_AND_NOT:
    case Q::OP_OR:
    case Q::OP_SYNONYM:
    case Q::OP_XOR:
    case Q::OP_MAX:
        return Q(op, sides.begin(), sides.end());
    default:
        return query;
    }
}

/* The weighted part of 'query', with what its top AND_NOTs, ANDs and
 * AND_MAYBEs narrow it by (a NOT side, a side every match must have) into
 * 'out', the documents to leave out. An AND, or an AND_MAYBE with a
 * phrase on its right (the sides Xapian asks), becomes the OR of its
 * sides: a document with every required side gets the sum of their
 * weights, as before. Feedback's AND_MAYBE of the query and its
 * expansion terms, none a phrase, stays: its left side is stepped. */
static Xapian::Query
weighed_part(const Xapian::Query &query, std::vector<Xapian::Query> *out)
{
    Xapian::Query::op op = query.get_type();
    size_t n = query.get_num_subqueries();
    std::vector<Xapian::Query> sides;
    bool asked_positional = false;
    for (size_t i = 1; i < n; i++)
        asked_positional = asked_positional || positional(query.get_subquery(i));
    if (op == Xapian::Query::OP_AND_NOT) {
        for (size_t i = 1; i < n; i++)
            out->push_back(query.get_subquery(i));
        return weighed_part(query.get_subquery(0), out);
    }
    if (op == Xapian::Query::OP_AND_MAYBE && !asked_positional) {
        sides.push_back(weighed_part(query.get_subquery(0), out));
        for (size_t i = 1; i < n; i++)
            sides.push_back(query.get_subquery(i));
        return Xapian::Query(op, sides.begin(), sides.end());
    }
    bool split = op == Xapian::Query::OP_AND_MAYBE ||
                 (op == Xapian::Query::OP_AND &&
                  (asked_positional || positional(query.get_subquery(0))));
    if (!split)
        return stepped(query);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || op == Xapian::Query::OP_AND)
            out->push_back(outside(query.get_subquery(i)));
        sides.push_back(stepped(query.get_subquery(i)));
    }
    return Xapian::Query(Xapian::Query::OP_OR, sides.begin(), sides.end());
}

/* Under a filter Xapian 1.4 steps the rarer side and asks the other
 * whether each document matches (PostList::check()). An OR asked so, with
 * a phrase below it that cannot tell before reading positions, records
 * the phrase as positioned on the next document, and once the OR turns
 * into an AND_MAYBE as the page fills, takes that record for a match
 * (1.4.22's OrPostList::check()): filtered by type, a recommendation of
 * the sample archive that lacks both words of "border management" rose
 * from 0.93 to 3.25 (docs/relevance.md, "Filters and phrases"). The
 * query's own AND and AND_MAYBE ask their right side the same way ("+a
 * b-c d"). So the weighted part of a query with a phrase steps itself:
 * ANDed only with the watch, which claims every document and so comes
 * after it, less the documents out of scope (AND_NOT steps its left side
 * and only skips its right). Those are the hidden ones, a term or two,
 * and those outside a filter or a required side of the query, which costs
 * a step of every document that keeps: the price of exact scores. Only as
 * the top of a query: under a FILTER, Xapian folds an AND_NOT's left side
 * back into the filter's AND. */
Xapian::Query
ms_index__restrict(const Xapian::Query &query, const ms_index_scope &scope)
{
    /* A filter typed in the query ("type:report", the parser's FILTER at
     * its top) restricts like the others. */
    if (query.get_type() == Xapian::Query::OP_FILTER) {
        ms_index_scope typed = scope;
        std::vector<Xapian::Query> all;
        if (scope.restricted)
            all.push_back(scope.restrictions);
        for (size_t i = 1; i < query.get_num_subqueries(); i++)
            all.push_back(query.get_subquery(i));
        typed.restrictions = Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
        typed.restricted = true;
        return ms_index__restrict(query.get_subquery(0), typed);
    }
    if (!positional(query)) {
        Xapian::Query allowed = scope.visible;
        if (scope.restricted)
            allowed =
                Xapian::Query(Xapian::Query::OP_FILTER, scope.restrictions, allowed);
        allowed = Xapian::Query(Xapian::Query::OP_FILTER, allowed, scope.watch);
        return Xapian::Query(Xapian::Query::OP_FILTER, query, allowed);
    }
    std::vector<Xapian::Query> out{ms_index__hidden(scope.viewer)};
    if (scope.restricted)
        out.push_back(outside(scope.restrictions));
    Xapian::Query weighed = weighed_part(query, &out);
    return Xapian::Query(Xapian::Query::OP_AND_NOT,
                         Xapian::Query(Xapian::Query::OP_FILTER, weighed, scope.watch),
                         Xapian::Query(Xapian::Query::OP_OR, out.begin(), out.end()));
}
