/* store_mongo: placeholder backend until its issue lands; every open fails. */
#include "store/store.h"

static int open_mongo(struct store *s, const char *uri, struct err *e)
{
    (void)s;
    (void)uri;
    return err_set(e, ERR_USAGE, 0, "the mongodb backend is not implemented yet");
}

static void close_mongo(struct store *s)
{
    (void)s;
}

const struct store_ops store_mongo_ops = {.name = "mongodb", .open = open_mongo, .close = close_mongo};
