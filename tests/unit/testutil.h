/*
** testutil.h -- shared helpers for the cmocka unit tests.
**
** cmocka 1.1.5 needs <stdarg.h>, <stddef.h>, <stdint.h> and <setjmp.h>
** before <cmocka.h>; this header includes them in that order.
*/
#ifndef MRV_TESTUTIL_H
#define MRV_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

/* cmocka 1.1.5 compares floats in single precision; use our own, with a
** relative tolerance scaled by max(1, |want|). */
#define assert_close(got, want, rtol)                                          \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        if (!(fabs(g_ - w_) <= (rtol)*fmax(1.0, fabs(w_)))) {                  \
            fail_msg("%s = %.17g, want %.17g (rtol %g)", #got, g_, w_,         \
                     (double)(rtol));                                          \
        }                                                                      \
    } while (0)

/* Status names read better than cmocka's hex integers. */
#define assert_status(got, want)                                               \
    assert_string_equal(mrv_status_name(got), mrv_status_name(want))

#endif /* MRV_TESTUTIL_H */
