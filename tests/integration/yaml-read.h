/* yaml-read.h - reading the sample archive's YAML in a test, with libyaml
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The tests that compare the server with the archive (test_status,
 * test_views_api, test_meetings_api) read the YAML files themselves,
 * independently of the indexer's code; these are the two node lookups
 * they share. Header-only: each test is one program.
 */
#ifndef MS_TEST_YAML_READ_H
#define MS_TEST_YAML_READ_H

#include <string.h>

#include <yaml.h>

/* The value of 'key' in mapping 'map' of 'doc'; NULL when 'map' is not a
 * mapping (or NULL) or has no such key. */
static inline yaml_node_t *
yaml_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

/* The text of scalar 'node', or NULL when it is NULL or not a scalar. */
static inline const char *
yaml_text(yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value
                                                  : NULL;
}

#endif /* MS_TEST_YAML_READ_H */
