/* assets: the dashboard's HTML, CSS and JS, embedded in the binary at build
 * time. tools/embed_assets.c turns web/dist/ into build/gen/assets.c, which
 * defines the table below; nothing is read from disk at request time. */
#ifndef ELHUB_WEB_ASSETS_H
#define ELHUB_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *path;          /* "/" for index.html, else "/app.js", ... */
    const char *type;          /* Content-Type */
    const unsigned char *data; /* the bytes */
    size_t len;
    const unsigned char *gz; /* the same, gzip-compressed at build time */
    size_t gzlen;
    const char *etag; /* "\"<fnv1a-64 of data>\"", quotes included */
    int versioned;    /* 1: index.html links it as PATH?v=HASH */
};

/* The table and its length (static storage). The binary links the
 * generated definitions; the library carries weak empty ones (src/web/
 * server.c) so unit tests and fuzzers link without the generated file and
 * serve no assets. */
extern const struct web_asset *web_asset_table;
extern size_t web_asset_count;

#endif
