/*
 * Just enough JSON for the tick mode: reads members of a flat top-level object (the JSON room
 * protocol's welcome, reply, error and presence messages) without building a tree. Nested values
 * (the "members" array, a room's "data") are skipped whole, strings with their escapes, so a key
 * inside them is never mistaken for a top-level one.
 */
#ifndef LOADGEN_JSONSCAN_H
#define LOADGEN_JSONSCAN_H

#include <stddef.h>
#include <stdint.h>

enum json_scan_result {
    JSON_FOUND = 1,
    JSON_ABSENT = 0,        /* a well-formed object without that key */
    JSON_WRONG_TYPE = -1,   /* the key holds another kind of value */
    JSON_MALFORMED = -2,    /* not a JSON object, or cut short */
};

/*
 * Finds top-level member `key` holding a string; *value points at its raw characters (escapes left as
 * written) inside json, *value_len is their count. Returns a json_scan_result.
 */
int json_get_string(const char *json, size_t len, const char *key, const char **value, size_t *value_len);

/* Finds top-level member `key` holding a non-negative integer that fits 64 bits. Returns a json_scan_result. */
int json_get_uint(const char *json, size_t len, const char *key, uint64_t *value);

/* True when a raw string value (from json_get_string) equals text exactly. */
int json_string_equals(const char *value, size_t value_len, const char *text);

#endif
