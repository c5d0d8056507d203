/*
 * Bridges PANTHER's QUIC TLS shim (tls_picotls.ivy) to an older picotls API.
 *
 * PANTHER's models are written for the picotls commit PANTHER pins, which no package
 * registry carries. The picotls that one does carry, the static libraries of the
 * ms-ivy 1.8.26 wheel, predates two of the calls the shim makes:
 *
 *  - ptls_on_extension_t, the type of ptls_context_t::on_extension. The old
 *    ptls_context_t has no such field; the shim's callback only logs the extensions
 *    it sees, so the runner blanks out the lines that install it and this header
 *    declares the type, which the callback's signature still names.
 *  - ptls_aead_new_direct(), an AEAD context from a raw key and IV (the shim computes
 *    the Retry integrity tag with it). Rebuilt here on the old API, as the old
 *    ptls_aead_new() does once it has derived the key and IV from a secret.
 *
 * The runner force-includes this header (g++ -include) when the picotls headers
 * lack ptls_on_extension_t, and only then.
 */
#ifndef PANTHER_IVY_PICOTLS_COMPAT_H
#define PANTHER_IVY_PICOTLS_COMPAT_H

#include <stdlib.h>
#include <string.h>

#include "picotls.h"

typedef struct st_ptls_on_extension_t {
    int (*cb)(struct st_ptls_on_extension_t *self, ptls_t *tls, uint8_t hstype, uint16_t exttype,
              ptls_iovec_t extdata);
} ptls_on_extension_t;

static inline ptls_aead_context_t *ptls_aead_new_direct(ptls_aead_algorithm_t *aead, int is_enc,
                                                        const void *key, const void *iv)
{
    ptls_aead_context_t *ctx = (ptls_aead_context_t *)malloc(aead->context_size);
    if (ctx == NULL)
        return NULL;
    memset(ctx, 0, aead->context_size);
    ctx->algo = aead;
    memcpy(ctx->static_iv, iv, aead->iv_size);
    if (aead->setup_crypto(ctx, is_enc, key) != 0) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

#endif
