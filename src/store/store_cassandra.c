/* store_cassandra: placeholder backend until its issue lands; every open fails. */
#include "store/store.h"

static int open_cassandra(struct store *s, const char *uri, struct err *e)
{
    (void)s;
    (void)uri;
    return err_set(e, ERR_USAGE, 0, "the cassandra backend is not implemented yet");
}

static void close_cassandra(struct store *s)
{
    (void)s;
}

const struct store_ops store_cassandra_ops = {"cassandra", open_cassandra, close_cassandra, NULL, NULL, NULL, NULL, NULL};
