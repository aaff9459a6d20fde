/* bb_err.h - error reporting for library functions.
 *
 * Library functions never exit(): they return a negative bb_status and, when
 * given a bb_err, write one human-readable line into it (no trailing newline).
 * The CLI turns BB_EINVAL into exit code 2 and anything else into exit 1.
 */
#ifndef BB_ERR_H
#define BB_ERR_H

#include <stdarg.h>
#include <stdio.h>

typedef enum {
    BB_OK = 0,
    BB_EINVAL = -1, /* bad input: unknown name, malformed option, out of range */
    BB_ENOMEM = -2, /* allocation failed */
    BB_ESYS = -3,   /* a system call failed (thread creation, file I/O, ...) */
    BB_ECHECK = -4  /* a correctness check failed */
} bb_status;

typedef struct bb_err {
    char msg[512];
} bb_err;

/* Formats into err (if non-NULL) and returns code, so callers can write
 * `return bb_fail(err, BB_EINVAL, "...", ...);`. */
__attribute__((format(printf, 3, 4))) static inline int bb_fail(bb_err *err, int code,
                                                                  const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

#endif
