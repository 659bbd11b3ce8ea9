/* store_sqlite: placeholder backend until its issue lands; every open fails. */
#include "store/store.h"

static int open_sqlite(struct store *s, const char *uri, struct err *e)
{
    (void)s;
    (void)uri;
    return err_set(e, ERR_USAGE, 0, "the sqlite backend is not implemented yet");
}

static void close_sqlite(struct store *s)
{
    (void)s;
}

const struct store_ops store_sqlite_ops = {"sqlite", open_sqlite, close_sqlite, NULL, NULL, NULL, NULL, NULL};
