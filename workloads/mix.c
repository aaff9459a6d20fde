#include "mix.h"

#include <string.h>

#include "core/kv.h"

int bb_mix_parse(const char *text, const char *const *op_names, bb_mix *out, bb_err *err)
{
    memset(out, 0, sizeof *out);
    uint64_t w[BB_MIX_MAX] = {0};
    while (op_names[out->n] && out->n < BB_MIX_MAX)
        out->n++;
    char names[256] = "";
    for (unsigned i = 0, off = 0; i < out->n; i++)
        off += (unsigned)snprintf(names + off, sizeof names - off, "%s%s", i ? ", " : "",
                                  op_names[i]);
    const char *p = text;
    if (!*p)
        return bb_fail(err, BB_EINVAL, "--mix: empty; expected OP:WEIGHT[,OP:WEIGHT...] with OP "
                                       "in {%s}", names);
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *colon = memchr(p, ':', len);
        char wbuf[32];
        size_t nl = colon ? (size_t)(colon - p) : 0, wl = colon ? len - nl - 1 : 0;
        unsigned code = out->n;
        for (unsigned i = 0; colon && i < out->n; i++)
            if (strlen(op_names[i]) == nl && memcmp(op_names[i], p, nl) == 0)
                code = i;
        uint64_t v = 0;
        if (colon && wl < sizeof wbuf) {
            memcpy(wbuf, colon + 1, wl);
            wbuf[wl] = 0;
        }
        if (!colon || code == out->n || wl == 0 || wl >= sizeof wbuf || bb_parse_u64(wbuf, &v) ||
            v > 1000000000ull)
            return bb_fail(err, BB_EINVAL,
                           "--mix: '%.*s' is not OP:WEIGHT with OP in {%s} and WEIGHT an integer "
                           "0..1e9", (int)len, p, names);
        if (w[code])
            return bb_fail(err, BB_EINVAL, "--mix: '%s' named twice", op_names[code]);
        w[code] = v;
        p += len;
        if (*p == ',') {
            p++;
            if (!*p)
                return bb_fail(err, BB_EINVAL, "--mix: trailing comma in '%s'", text);
        }
    }
    for (unsigned i = 0; i < out->n; i++) {
        out->total += w[i];
        out->cum[i] = out->total;
    }
    if (out->total == 0)
        return bb_fail(err, BB_EINVAL, "--mix: all weights are 0 in '%s'", text);
    return BB_OK;
}
