#ifndef ARCADENCE_CZLIB_SHIM_H
#define ARCADENCE_CZLIB_SHIM_H

#include <zlib.h>

/// deflateInit2 is a macro, which Swift cannot call: a zlib stream (not raw deflate) with the
/// default window and memory level.
static inline int arcadence_deflate_init(z_stream *stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY);
}

/// inflateInit2 is a macro too: raw deflate (no zlib header), as a zip entry holds it, with
/// the largest window.
static inline int arcadence_inflate_init_raw(z_stream *stream) {
  return inflateInit2(stream, -15);
}

#endif
