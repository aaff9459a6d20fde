#include "kv.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int bb_parse_u64(const char *t, uint64_t *out)
{
    if (!t || !isdigit((unsigned char)t[0]))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(t, &end, 10);
    if (errno)
        return -1;
    uint64_t mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1000, end++;
    else if (*end == 'M')
        mult = 1000000, end++;
    else if (*end == 'G')
        mult = 1000000000, end++;
    if (*end)
        return -1;
    if (v > UINT64_MAX / mult)
        return -1;
    *out = v * mult;
    return 0;
}

static int valid_ident(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return 0;
    return 1;
}

int bb_spec_parse(const char *text, bb_spec *out, bb_err *err)
{
    memset(out, 0, sizeof *out);
    const char *p = text;
    const char *colon = strchr(p, ':');
    size_t n = colon ? (size_t)(colon - p) : strlen(p);
    if (!valid_ident(p, n) || n >= BB_SPEC_LEN)
        return bb_fail(err, BB_EINVAL, "'%s': expected NAME or NAME:key=value[:key=value...]",
                       text);
    memcpy(out->name, p, n);
    while (colon) {
        p = colon + 1;
        colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq || !valid_ident(p, (size_t)(eq - p)) || eq + 1 == p + len)
            return bb_fail(err, BB_EINVAL, "'%s': option '%.*s' is not key=value", text,
                           (int)len, p);
        if (out->n == BB_SPEC_MAX)
            return bb_fail(err, BB_EINVAL, "'%s': more than %d options", text, BB_SPEC_MAX);
        size_t kl = (size_t)(eq - p), vl = len - kl - 1;
        if (kl >= BB_SPEC_LEN || vl >= BB_SPEC_LEN)
            return bb_fail(err, BB_EINVAL, "'%s': option too long", text);
        for (int i = 0; i < out->n; i++)
            if (strlen(out->key[i]) == kl && memcmp(out->key[i], p, kl) == 0)
                return bb_fail(err, BB_EINVAL, "'%s': option '%.*s' given twice", text, (int)kl,
                               p);
        memcpy(out->key[out->n], p, kl);
        memcpy(out->val[out->n], eq + 1, vl);
        out->n++;
    }
    return BB_OK;
}

void bb_spec_format(const bb_spec *s, char *buf, size_t len)
{
    size_t off = (size_t)snprintf(buf, len, "%s", s->name);
    for (int i = 0; i < s->n && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, ":%s=%s", s->key[i], s->val[i]);
}

int bb_spec_check_keys(const bb_spec *s, const char *what, const char *const *accepted,
                       bb_err *err)
{
    for (int i = 0; i < s->n; i++) {
        int ok = 0;
        for (const char *const *a = accepted; a && *a; a++)
            if (strcmp(*a, s->key[i]) == 0)
                ok = 1;
        if (!ok) {
            char list[256] = "";
            size_t off = 0;
            for (const char *const *a = accepted; a && *a && off < sizeof list; a++)
                off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", off ? ", " : "",
                                        *a);
            return bb_fail(err, BB_EINVAL, "%s '%s': unknown option '%s' (accepted: %s)", what,
                           s->name, s->key[i], off ? list : "none");
        }
    }
    return BB_OK;
}

int bb_spec_u64(const bb_spec *s, const char *key, uint64_t dflt, uint64_t min, uint64_t max,
                uint64_t *out, bb_err *err)
{
    for (int i = 0; i < s->n; i++) {
        if (strcmp(s->key[i], key) != 0)
            continue;
        uint64_t v;
        if (bb_parse_u64(s->val[i], &v) || v < min || v > max)
            return bb_fail(err, BB_EINVAL,
                           "'%s': %s=%s is not an integer in [%llu, %llu]", s->name, key,
                           s->val[i], (unsigned long long)min, (unsigned long long)max);
        *out = v;
        return BB_OK;
    }
    *out = dflt;
    return BB_OK;
}
