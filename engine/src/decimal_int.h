/*
** decimal_int.h -- powers of ten for exact decimal arithmetic (internal;
** decimal.c and the ledger's arithmetic).
*/
#ifndef MRV_DECIMAL_INT_H
#define MRV_DECIMAL_INT_H

#include <stdint.h>

/* 10^k for k = 0 .. 18. */
extern const int64_t mrv__pow10[19];

#endif /* MRV_DECIMAL_INT_H */
