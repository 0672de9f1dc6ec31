/* See jsonscan.h. RFC 8259 grammar, restricted to what scanning a flat object needs. */
#include "jsonscan.h"

#include <string.h>

/* Deeper nesting than this inside a skipped value is treated as malformed (our messages nest twice at most). */
#define JSON_MAX_DEPTH 64

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void skip_ws(const char *s, size_t len, size_t *i)
{
    while (*i < len && is_ws(s[*i])) {
        (*i)++;
    }
}

/* At an opening quote: moves past the closing one. 0 when the string never ends. */
static int skip_string(const char *s, size_t len, size_t *i)
{
    for ((*i)++; *i < len; (*i)++) {
        if (s[*i] == '\\') {
            (*i)++; /* the escaped character, whatever it is, cannot end the string */
        } else if (s[*i] == '"') {
            (*i)++;
            return 1;
        }
    }
    return 0;
}

/* Skips any value (string, number, literal, array, object). 0 when malformed or cut short. */
static int skip_value(const char *s, size_t len, size_t *i)
{
    skip_ws(s, len, i);
    if (*i >= len) {
        return 0;
    }
    if (s[*i] == '"') {
        return skip_string(s, len, i);
    }
    if (s[*i] == '{' || s[*i] == '[') {
        int depth = 0;
        while (*i < len) {
            char c = s[*i];
            if (c == '"') {
                if (!skip_string(s, len, i)) {
                    return 0;
                }
                continue;
            }
            if (c == '{' || c == '[') {
                if (++depth > JSON_MAX_DEPTH) {
                    return 0;
                }
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    (*i)++;
                    return 1;
                }
            }
            (*i)++;
        }
        return 0;
    }
    /* Number or literal: runs to the next delimiter. */
    size_t start = *i;
    while (*i < len && s[*i] != ',' && s[*i] != '}' && s[*i] != ']' && !is_ws(s[*i])) {
        (*i)++;
    }
    return *i > start;
}

/*
 * Positions *i at the value of top-level member key, after checking that the whole text is one object
 * (so a message cut short is malformed even when the key comes first). Returns JSON_FOUND, JSON_ABSENT
 * or JSON_MALFORMED; the first of repeated keys wins.
 */
static int find_member(const char *s, size_t len, const char *key, size_t *i)
{
    size_t key_len = strlen(key);
    size_t found_at = 0;
    int found = 0;
    *i = 0;
    skip_ws(s, len, i);
    if (*i >= len || s[*i] != '{') {
        return JSON_MALFORMED;
    }
    (*i)++;
    skip_ws(s, len, i);
    if (*i < len && s[*i] == '}') {
        (*i)++;
    } else {
        for (;;) {
            skip_ws(s, len, i);
            if (*i >= len || s[*i] != '"') {
                return JSON_MALFORMED;
            }
            size_t name_start = *i + 1;
            if (!skip_string(s, len, i)) {
                return JSON_MALFORMED;
            }
            size_t name_len = *i - 1 - name_start;
            skip_ws(s, len, i);
            if (*i >= len || s[*i] != ':') {
                return JSON_MALFORMED;
            }
            (*i)++;
            skip_ws(s, len, i);
            if (!found && name_len == key_len && memcmp(s + name_start, key, key_len) == 0) {
                found = 1;
                found_at = *i;
            }
            if (!skip_value(s, len, i)) {
                return JSON_MALFORMED;
            }
            skip_ws(s, len, i);
            if (*i >= len) {
                return JSON_MALFORMED;
            }
            if (s[*i] == '}') {
                (*i)++;
                break;
            }
            if (s[*i] != ',') {
                return JSON_MALFORMED;
            }
            (*i)++;
        }
    }
    skip_ws(s, len, i);
    if (*i != len) {
        return JSON_MALFORMED;
    }
    *i = found_at;
    return found ? JSON_FOUND : JSON_ABSENT;
}

int json_get_string(const char *json, size_t len, const char *key, const char **value, size_t *value_len)
{
    size_t i;
    int r = find_member(json, len, key, &i);
    if (r != JSON_FOUND) {
        return r;
    }
    if (i >= len || json[i] != '"') {
        return i >= len ? JSON_MALFORMED : JSON_WRONG_TYPE;
    }
    size_t start = i + 1;
    if (!skip_string(json, len, &i)) {
        return JSON_MALFORMED;
    }
    *value = json + start;
    *value_len = i - 1 - start;
    return JSON_FOUND;
}

int json_get_uint(const char *json, size_t len, const char *key, uint64_t *value)
{
    size_t i;
    int r = find_member(json, len, key, &i);
    if (r != JSON_FOUND) {
        return r;
    }
    if (i >= len) {
        return JSON_MALFORMED;
    }
    if (json[i] < '0' || json[i] > '9') {
        return JSON_WRONG_TYPE;
    }
    uint64_t v = 0;
    size_t start = i;
    while (i < len && json[i] >= '0' && json[i] <= '9') {
        uint64_t digit = (uint64_t)(json[i] - '0');
        if (v > (UINT64_MAX - digit) / 10) {
            return JSON_WRONG_TYPE;
        }
        v = v * 10 + digit;
        i++;
    }
    /* RFC 8259: no leading zeroes; a fraction or exponent makes it something other than an integer. */
    if ((json[start] == '0' && i - start > 1) || (i < len && (json[i] == '.' || json[i] == 'e' || json[i] == 'E'))) {
        return JSON_WRONG_TYPE;
    }
    *value = v;
    return JSON_FOUND;
}

int json_string_equals(const char *value, size_t value_len, const char *text)
{
    return strlen(text) == value_len && memcmp(value, text, value_len) == 0;
}
