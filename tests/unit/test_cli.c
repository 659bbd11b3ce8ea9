/* Tests for the CLI's did-you-mean: the optimal string alignment distance
 * on hand-counted pairs, and which names cli_suggest offers (near enough
 * for the word's length, never a mere restatement of a short word). */
#include "check.h"
#include "cli/cli.h"

static void distance(void)
{
    CHECK_INT((long long)cli_edit_distance("status", "status"), 0);
    CHECK_INT((long long)cli_edit_distance("stauts", "status"), 1); /* one swap */
    CHECK_INT((long long)cli_edit_distance("gruops", "groups"), 1);
    CHECK_INT((long long)cli_edit_distance("grops", "groups"), 1);  /* one insertion */
    CHECK_INT((long long)cli_edit_distance("STATUS", "status"), 0); /* case folded */
    CHECK_INT((long long)cli_edit_distance("kitten", "sitting"), 3);
    CHECK_INT((long long)cli_edit_distance("", "plot"), 4);
    CHECK_INT((long long)cli_edit_distance("ca", "abc"), 3); /* OSA, not Damerau: 3 */
}

static void suggest(void)
{
    static const char *const cmds[] = {"fetch", "import", "export", "status",
                                       "serve", "plot",   "load",   "repair"};
    CHECK_STR(cli_suggest("stauts", cmds, 8), "status");
    CHECK_STR(cli_suggest("exprot", cmds, 8), "export");
    CHECK_STR(cli_suggest("plto", cmds, 8), "plot");
    CHECK_STR(cli_suggest("serv", cmds, 8), "serve");
    CHECK(cli_suggest("frobnicate", cmds, 8) == NULL);
    CHECK(cli_suggest("x", cmds, 8) == NULL);          /* distance 4 to "plot" */
    CHECK(cli_suggest("lo", cmds, 8) == NULL);         /* 2 edits of 2 letters: too far */
    CHECK(cli_suggest("statistics", cmds, 8) == NULL); /* 4 edits of 10 letters: too far */
}

CHECK_MAIN({"/cli/distance", distance}, {"/cli/suggest", suggest})
