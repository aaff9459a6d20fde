/* csv.c - RFC 4180 CSV: quoting writer and a small reader for our own files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

void bb_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void bb_fmt_double(char *buf, size_t len, double v, int prec)
{
    if (!isfinite(v))
        v = 0.0;
    /* batchbench never calls setlocale(), so printf uses the "C" locale and '.' */
    snprintf(buf, len, "%.*f", prec, v);
}

static int push_cell(char ***row, int *n, int *cap, const char *s, size_t len)
{
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        char **nr = realloc(*row, (size_t)nc * sizeof *nr);
        if (!nr)
            return -1;
        *row = nr;
        *cap = nc;
    }
    char *c = malloc(len + 1);
    if (!c)
        return -1;
    memcpy(c, s, len);
    c[len] = 0;
    (*row)[(*n)++] = c;
    return 0;
}

int bb_csv_read(const char *path, bb_csv *out, bb_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "r");
    if (!f)
        return bb_fail(err, BB_ESYS, "cannot read %s", path);
    size_t blen = 0, bcap = 256;
    char *buf = malloc(bcap);
    char **row = NULL;
    int n = 0, cap = 0, rcap = 0, inq = 0, ch, rc = BB_OK, any = 0;
    if (!buf)
        goto oom;
    for (;;) {
        ch = fgetc(f);
        if (inq) {
            if (ch == EOF) {
                rc = bb_fail(err, BB_EINVAL, "%s: unterminated quoted field", path);
                goto done;
            }
            if (ch == '"') {
                int nx = fgetc(f);
                if (nx != '"') {
                    inq = 0;
                    if (nx != EOF)
                        ungetc(nx, f);
                    continue;
                }
            }
        } else if (ch == '"') {
            inq = 1;
            any = 1;
            continue;
        } else if (ch == ',' || ch == '\n' || ch == EOF) {
            if (ch == EOF && !any && blen == 0 && n == 0)
                break;
            if (push_cell(&row, &n, &cap, buf, blen))
                goto oom;
            blen = 0;
            any = 0;
            if (ch == ',')
                continue;
            if (out->rows == rcap) {
                rcap = rcap ? rcap * 2 : 64;
                char ***nc = realloc(out->cell, (size_t)rcap * sizeof *nc);
                if (!nc)
                    goto oom;
                out->cell = nc;
            }
            if (out->rows == 0)
                out->cols = n;
            else if (n != out->cols) {
                /* not stored: bb_csv_free frees `cols` cells per row; `row`
                 * (n cells) is freed at done */
                rc = bb_fail(err, BB_EINVAL, "%s: row %d has %d fields, header has %d", path,
                             out->rows + 1, n, out->cols);
                goto done;
            }
            out->cell[out->rows++] = row;
            row = NULL;
            n = cap = 0;
            if (ch == EOF)
                break;
            continue;
        } else if (ch == '\r') {
            continue;
        }
        if (blen + 1 >= bcap) {
            bcap *= 2;
            char *nb = realloc(buf, bcap);
            if (!nb)
                goto oom;
            buf = nb;
        }
        buf[blen++] = (char)ch;
        any = 1;
    }
done:
    if (row) {
        for (int i = 0; i < n; i++)
            free(row[i]);
        free(row);
    }
    free(buf);
    fclose(f);
    if (rc)
        bb_csv_free(out);
    return rc;
oom:
    rc = bb_fail(err, BB_ENOMEM, "out of memory reading %s", path);
    goto done;
}

void bb_csv_free(bb_csv *c)
{
    for (int r = 0; r < c->rows; r++) {
        for (int i = 0; i < c->cols; i++)
            free(c->cell[r][i]);
        free(c->cell[r]);
    }
    free(c->cell);
    memset(c, 0, sizeof *c);
}

int bb_csv_col(const bb_csv *c, const char *name)
{
    for (int i = 0; c->rows && i < c->cols; i++)
        if (strcmp(c->cell[0][i], name) == 0)
            return i;
    return -1;
}
