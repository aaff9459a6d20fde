/* testutil.h - helpers shared by the cmocka suites.
 * Worker threads never call cmocka asserts: they count failures in plain
 * fields that the main thread asserts after joining. bb_watchdog() arms an
 * alarm so that a hang fails the test with the name of what hung. */
#ifndef BB_TESTUTIL_H
#define BB_TESTUTIL_H

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char bb_watch_what[256];

static void bb_watch_fire(int sig)
{
    (void)sig;
    static const char msg[] = "\nTIMEOUT (hang?) in: ";
    ssize_t r = write(2, msg, sizeof msg - 1);
    r = write(2, bb_watch_what, strlen(bb_watch_what));
    r = write(2, "\n", 1);
    (void)r;
    _exit(1);
}

/* Arms (seconds > 0) or disarms (0) the watchdog, naming the work. */
static inline void bb_watchdog(unsigned seconds, const char *fmt, ...)
{
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(bb_watch_what, sizeof bb_watch_what, fmt, ap);
        va_end(ap);
    }
    signal(SIGALRM, bb_watch_fire);
    alarm(seconds);
}

/* Sanitizer builds run ~5-20x slower: scale op counts down there. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define BB_TEST_SLOW 1
#else
#define BB_TEST_SLOW 0
#endif

#endif
