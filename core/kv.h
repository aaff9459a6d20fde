/* kv.h - "name:key=value:key=value" specs for strategies.
 *
 * bb_spec_parse() splits a spec into its name and up to BB_SPEC_MAX options;
 * values are kept as strings. bb_spec_u64() reads one option as an unsigned
 * integer (accepting a 'k' or 'M' suffix), with a default when absent and a
 * clear error when malformed or out of [min, max]. bb_spec_check_keys()
 * rejects options not in an accepted list. Errors name the spec and the
 * accepted values.
 */
#ifndef BB_KV_H
#define BB_KV_H

#include <stdint.h>

#include "bb_err.h"

#define BB_SPEC_MAX 8
#define BB_SPEC_LEN 64

typedef struct bb_spec {
    char name[BB_SPEC_LEN];
    int n;
    char key[BB_SPEC_MAX][BB_SPEC_LEN];
    char val[BB_SPEC_MAX][BB_SPEC_LEN];
} bb_spec;

int bb_spec_parse(const char *text, bb_spec *out, bb_err *err);
/* Writes the canonical "name:k=v:..." text. */
void bb_spec_format(const bb_spec *s, char *buf, size_t len);
int bb_spec_check_keys(const bb_spec *s, const char *what, const char *const *accepted,
                       bb_err *err);
int bb_spec_u64(const bb_spec *s, const char *key, uint64_t dflt, uint64_t min, uint64_t max,
                uint64_t *out, bb_err *err);
/* Parses a whole unsigned decimal with optional k/M/G suffix (x1000). */
int bb_parse_u64(const char *text, uint64_t *out);

#endif
