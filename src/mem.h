/* mem: allocation that aborts on out-of-memory (redis' zmalloc, git's
 * xmalloc). Effort goes into capping untrusted sizes (caps.h) instead of
 * handling malloc failure at every call site. */
#ifndef ELHUB_MEM_H
#define ELHUB_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (holding *cap elements of size sz) to hold at least need elements,
 * doubling; aborts on overflow. */
void xgrow(void **p, size_t *cap, size_t need, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
