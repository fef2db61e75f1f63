/*
** caps_int.h -- counting against a cap (internal).
**
** A count that multiplies members, axes, strata or elements is taken
** through mrv__caps_mul: a dimension read from a data file has up to
** MRV_MAX_RECORDS members, and four of them make 10^24, so a size_t
** product could wrap to a small number that passes the cap it is
** checked against.  Inline and with no dependency, so any module that
** checks a cap may use it.
*/
#ifndef MRV_CAPS_INT_H
#define MRV_CAPS_INT_H

#include <stdint.h>

#include "caps.h"

/* a * b, or UINT64_MAX when the product passes 64 bits: above every cap
** in caps.h, so a count too large for 64 bits fails its cap. */
static inline uint64_t mrv__caps_mul(uint64_t a, uint64_t b)
{
    return a != 0 && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

#endif /* MRV_CAPS_INT_H */
