using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Storage.Tests.SqlServer;

/// <summary>What <see cref="SqlServerTargetSession"/> decides without a server: temporary names, which databases it
/// takes for its own, the locks' names and the exact T-SQL that drops, publishes and locks.</summary>
public sealed class SqlServerTargetSessionTests
{
    [Fact]
    public void A_temporary_name_is_the_target_marker_and_eight_hex_digits()
    {
        Assert.Equal("shop__plurel_1a2b3c4d", SqlServerTargetSession.BuildNameFor("shop", "1a2b3c4d"));
        Assert.True(SqlServerTargetSession.IsBuildName("shop__plurel_1a2b3c4d"));
    }

    [Fact]
    public void A_128_character_target_gets_a_temporary_name_create_database_accepts()
    {
        var name = new string('n', 128);
        var build = SqlServerTargetSession.BuildNameFor(name, "0123abcd");
        // CREATE DATABASE without a file list appends "_log" for the log file: at most 123 characters.
        Assert.Equal(123, build.Length);
        Assert.Equal(new string('n', 106) + "__plurel_0123abcd", build);
        Assert.True(SqlServerTargetSession.IsBuildName(build));
        Assert.Equal(123, SqlServerTargetSession.BuildNameFor(new string('n', 106), "0123abcd").Length);
        Assert.Equal(new string('n', 106) + "__plurel_0123abcd", SqlServerTargetSession.BuildNameFor(new string('n', 107), "0123abcd"));
    }

    [Fact]
    public void A_long_name_is_never_cut_inside_a_surrogate_pair()
    {
        // 105 letters then emoji (two UTF-16 units each): the cut at 106 units would split the first one.
        var name = new string('a', 105) + string.Concat(Enumerable.Repeat("\U0001F600", 10));
        var build = SqlServerTargetSession.BuildNameFor(name, "deadbeef");
        Assert.Equal(new string('a', 105) + "__plurel_deadbeef", build);
        Assert.True(build.Length <= SqlServerTargetSession.MaxCreatableName);
    }

    [Theory]
    [InlineData("shop__plurel_notes")]
    [InlineData("shop__plurel_1A2B3C4D")]
    [InlineData("shop__plurel_1a2b3c4")]
    [InlineData("shop__plurel_1a2b3c4d5")]
    [InlineData("shop__plurel_1a2b3c4d\n")]
    [InlineData("shop__plurel_1a2b3c4g")]
    [InlineData("shop_plurel_1a2b3c4d")]
    [InlineData("__plurel_1a2b3c4d")]
    [InlineData("shop")]
    public void A_users_database_is_never_taken_for_a_temporary_one(string name) =>
        Assert.False(SqlServerTargetSession.IsBuildName(name));

    [Fact]
    public void Both_spellings_of_a_name_take_one_lock_and_the_longest_name_fits_an_application_lock()
    {
        Assert.Equal(SqlServerTargetSession.TargetResource("Shop"), SqlServerTargetSession.TargetResource("shop"));
        Assert.Equal("plurel:SHOP", SqlServerTargetSession.TargetResource("shop"));
        Assert.True(SqlServerTargetSession.TargetResource(new string('x', 128)).Length <= 255);
        Assert.NotEqual(SqlServerTargetSession.TargetResource("shop__plurel_1a2b3c4d"),
            SqlServerTargetSession.BuildResource("shop__plurel_1a2b3c4d"));
        Assert.Equal("plurel-build:shop__plurel_1a2b3c4d", SqlServerTargetSession.BuildResource("shop__plurel_1a2b3c4d"));
    }

    [Fact]
    public void The_lock_is_exclusive_owned_by_the_session_and_never_waits()
    {
        Assert.Equal(
            "DECLARE @r int; EXEC @r = sys.sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', " +
            "@LockOwner = N'Session', @LockTimeout = 0, @DbPrincipal = N'public'; SELECT @r;",
            SqlServerTargetSession.LockSql);
        Assert.Equal("EXEC sys.sp_releaseapplock @Resource = @resource, @LockOwner = N'Session', @DbPrincipal = N'public';",
            SqlServerTargetSession.UnlockSql);
    }

    [Fact]
    public void Drop_quotes_the_name_as_identifier_and_as_literal()
    {
        Assert.Equal(
            """
            IF DB_ID(N'we]ird''db__plurel_1a2b3c4d') IS NOT NULL
            BEGIN
                ALTER DATABASE [we]]ird'db__plurel_1a2b3c4d] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
                DROP DATABASE [we]]ird'db__plurel_1a2b3c4d];
            END
            """,
            SqlServerTargetSession.DropSql("we]ird'db__plurel_1a2b3c4d"));
    }

    [Fact]
    public void Publish_renames_the_build_and_drops_the_old_database_only_for_recreate()
    {
        Assert.Equal(
            [
                "ALTER DATABASE [shop__plurel_1a2b3c4d] SET SINGLE_USER WITH ROLLBACK IMMEDIATE",
                "ALTER DATABASE [shop__plurel_1a2b3c4d] SET MULTI_USER",
                "ALTER DATABASE [shop__plurel_1a2b3c4d] MODIFY NAME = [shop]",
            ],
            SqlServerTargetSession.PublishSql("shop__plurel_1a2b3c4d", "shop", replace: false));

        var recreate = SqlServerTargetSession.PublishSql("a]b__plurel_1a2b3c4d", "a]b", replace: true);
        Assert.Equal(4, recreate.Count);
        Assert.Equal(SqlServerTargetSession.DropSql("a]b"), recreate[0]);
        Assert.Equal("ALTER DATABASE [a]]b__plurel_1a2b3c4d] MODIFY NAME = [a]]b]", recreate[3]);
    }
}
