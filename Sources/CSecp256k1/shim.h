#ifndef OBOL_CSECP256K1_SHIM_H
#define OBOL_CSECP256K1_SHIM_H
#include <secp256k1.h>

/* Swift 6 imports secp256k1_context_static as a mutable global and rejects
   every use of it; this accessor hands it out as a plain function result. */
static inline const secp256k1_context *obol_secp256k1_context_static(void) {
    return secp256k1_context_static;
}
#endif
