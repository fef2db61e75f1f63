/*
** hash.h -- the 64-bit hashes mrv uses (internal).
**
** FNV-1a for strings, and SplitMix64's finaliser (Steele, Lea and Flood
** 2014), a bijection whose outputs pass BigCrush even for counter
** inputs.  The hash tables of the loader and the compiler use them, and
** so do the random streams (mc.c): there a change would change every
** draw, so these functions are frozen.
*/
#ifndef MRV_HASH_H
#define MRV_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t mrv__fnv1a(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

static inline uint64_t mrv__fnv1a_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3u;
    }
    return h;
}

static inline uint64_t mrv__splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Stream ids (model.h, program.h): built one structural word at a time,
** never from formatted text, so nothing can be cut short and two places
** can only share an id by being the same place.  A word carries its kind
** in the top byte (MRV__SID_*), so a year can never pass for a member. */
enum {
    MRV__SID_PARAM = 1,   /* a parameter: the FNV-1a of its whole name */
    MRV__SID_FACTOR,      /* a factor entry: of its whole "TABLE/ENTRY" */
    MRV__SID_YEAR,        /* a year key on the way to the value */
    MRV__SID_MEMBER,      /* a member key: dimension << 24 | member */
    MRV__SID_VARY_YEAR,   /* vary: vintage, the year drawn for */
    MRV__SID_VARY_MEMBER, /* vary: member, one word per dimension */
    /* A portfolio's keys (portfolio_run.h), mixed into an input's id: */
    MRV__SID_ENTRY,  /* a factor entry's own uncertainty: what it says */
    MRV__SID_GROUP,  /* a shared group: the FNV-1a of its name */
    MRV__SID_PROJECT /* anything else: the FNV-1a of the project id */
};

static inline uint64_t mrv__sid_word(unsigned kind, uint64_t value)
{
    return (uint64_t)kind << 56 ^ value;
}

static inline uint64_t mrv__sid_mix(uint64_t id, unsigned kind, uint64_t value)
{
    return mrv__splitmix64(id ^ mrv__splitmix64(mrv__sid_word(kind, value)));
}

#endif /* MRV_HASH_H */
