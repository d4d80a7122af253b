/* Account rules without HTTP (domain/user.c). */
#include <criterion/criterion.h>

#include <string.h>

#include "domain/user.h"

Test(user, emails_are_trimmed_and_lowercased)
{
    struct arena a;
    arena_init(&a);
    cr_assert_str_eq(user_normalize_email(&a, "  Ana.Lima@Example.COM\t"), "ana.lima@example.com");
    cr_assert_str_eq(user_normalize_email(&a, "ÄB@x.de"), "Äb@x.de", "only ASCII is folded");
    arena_free(&a);
}

Test(user, email_rules)
{
    cr_assert(user_email_is_valid("a@b.c"));
    cr_assert(user_email_is_valid("first.last+tag@sub.example.org"));
    cr_assert_not(user_email_is_valid("ab"));
    cr_assert_not(user_email_is_valid("plain"));
    cr_assert_not(user_email_is_valid("@b.c"));
    cr_assert_not(user_email_is_valid("a@"));
    cr_assert_not(user_email_is_valid("a@bc"));
    cr_assert_not(user_email_is_valid("a@@b.c"));
    cr_assert_not(user_email_is_valid("a@b@c.d"));
    cr_assert_not(user_email_is_valid("a b@c.d"));
    char long_email[300];
    memset(long_email, 'x', 250);
    memcpy(long_email + 250, "@b.co", 6);
    cr_assert_not(user_email_is_valid(long_email), "255 characters");
    long_email[249] = '\0';
    strcat(long_email, "@b.co");
    cr_assert(user_email_is_valid(long_email), "254 characters");
}

Test(user, roles_parse_in_spec_order)
{
    cr_assert_eq(user_role_parse("learner"), ROLE_LEARNER);
    cr_assert_eq(user_role_parse("author"), ROLE_AUTHOR);
    cr_assert_eq(user_role_parse("admin"), ROLE_ADMIN);
    cr_assert_eq(user_role_parse("Admin"), -1);
    cr_assert_str_eq(user_role_names[1], "author");
    cr_assert_null(user_role_names[3]);
}

Test(user, default_display_name_is_the_local_part)
{
    struct arena a;
    arena_init(&a);
    cr_assert_str_eq(user_default_display_name(&a, "fresh.admin@example.com"), "fresh.admin");
    arena_free(&a);
}
