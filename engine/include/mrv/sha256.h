/*
** sha256.h -- SHA-256 (FIPS 180-4), for the provenance of every input.
*/
#ifndef MRV_SHA256_H
#define MRV_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mrv_sha256 {
    uint32_t h[8];
    uint64_t nbytes;
    unsigned char buf[64];
    size_t nbuf;
} mrv_sha256;

void mrv_sha256_init(mrv_sha256 *c);
void mrv_sha256_update(mrv_sha256 *c, const void *data, size_t n);
void mrv_sha256_final(mrv_sha256 *c, unsigned char out[32]);
/* One call: digest of 'n' bytes at 'data' as 64 lowercase hex digits. */
void mrv_sha256_hex(const void *data, size_t n, char out[65]);
/* A digest as 64 lowercase hex digits and a NUL. */
void mrv_sha256_to_hex(const unsigned char d[32], char out[65]);

#ifdef __cplusplus
}
#endif

#endif /* MRV_SHA256_H */
