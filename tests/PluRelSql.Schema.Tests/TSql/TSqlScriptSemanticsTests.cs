using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Tests.TSql;

/// <summary>What real install scripts rely on: sqlcmd variables from :setvar or --var, SqlRender placeholders,
/// guards and versioned upgrade blocks evaluated for a fresh database, dynamic SQL given as a literal.</summary>
public sealed class TSqlScriptSemanticsTests
{
    private static TSqlReadResult Read(string sql, params (string Name, string Value)[] vars) =>
        TSqlDdlReader.Read(sql, "test.sql", vars.Length == 0 ? null : vars.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void Var_overrides_setvar_and_the_setvar_value_is_the_default()
    {
        const string sql = ":setvar Schema sales\nCREATE TABLE [$(Schema)].[Order] (Id int PRIMARY KEY);";
        Assert.Equal("sales", Assert.Single(Read(sql).Graph.Tables).Name.Schema);
        Assert.Equal("shop", Assert.Single(Read(sql, ("SCHEMA", "shop")).Graph.Tables).Name.Schema);
    }

    [Fact]
    public void Expansion_beyond_the_cap_is_refused_instead_of_built()
    {
        var many = string.Concat(Enumerable.Repeat("$(Big)$(Big)$(Big)$(Big)\n", 64));
        var ex = Assert.Throws<SchemaException>(() => Read("-- x\n" + many, ("Big", new string('x', 1 << 20))));
        Assert.Contains("longer than", ex.Message, StringComparison.Ordinal);
        Assert.Equal("test.sql", ex.Position!.Value.File);
    }

    [Fact]
    public void SqlRender_schema_placeholder_defaults_to_dbo_with_one_note_or_takes_var()
    {
        const string sql = "CREATE TABLE @cdmDatabaseSchema.person (person_id integer NOT NULL);\n" +
                           "CREATE TABLE @cdmDatabaseSchema.visit (visit_id int NOT NULL, person_id int REFERENCES @cdmDatabaseSchema.person (person_id));\n" +
                           "DECLARE @x xml; SELECT @x.value('(/a)[1]', 'int');";
        var r = Read(sql);
        Assert.Equal(["dbo.person", "dbo.visit"], r.Graph.Tables.Select(t => t.Name.ToString()));
        var note = Assert.Single(r.Notices, n => n.Message.Contains("@cdmDatabaseSchema", StringComparison.Ordinal));
        Assert.Equal(new SourcePosition("test.sql", 1, 14), note.Position);
        Assert.Contains("--var cdmDatabaseSchema=", note.Message, StringComparison.Ordinal);
        Assert.All(Read(sql, ("cdmDatabaseSchema", "cdm")).Graph.Tables, t => Assert.Equal("cdm", t.Name.Schema));
    }

    [Fact]
    public void Use_of_a_placeholder_database_is_ignored_with_a_note()
    {
        var r = Read("USE [enter_db_name_here];\nGO\nCREATE TABLE t (a int);");
        Assert.Single(r.Graph.Tables);
        Assert.Contains(r.Notices, n => n.Message.Contains("USE (ignored", StringComparison.Ordinal) && n.Position == new SourcePosition("test.sql", 1, 1));
    }

    [Fact]
    public void Ef_core_history_guards_apply_each_migration_once()
    {
        var r = Read("""
            IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
            BEGIN
                CREATE TABLE [__EFMigrationsHistory] ([MigrationId] nvarchar(150) NOT NULL, CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId]));
            END;
            GO
            IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
            BEGIN
                CREATE TABLE [__EFMigrationsHistory] ([MigrationId] nvarchar(150) NOT NULL);
            END;
            GO
            IF NOT EXISTS(SELECT * FROM [__EFMigrationsHistory] WHERE [MigrationId] = N'20200101_Init')
            BEGIN
                CREATE TABLE [Clients] ([Id] int NOT NULL IDENTITY, CONSTRAINT [PK_Clients] PRIMARY KEY ([Id]));
            END;
            GO
            IF NOT EXISTS (SELECT * FROM sys.tables WHERE name = 'Clients')
                CREATE TABLE [Clients] ([Id] int NOT NULL);
            """);
        Assert.Equal(["__EFMigrationsHistory", "Clients"], r.Graph.Tables.Select(t => t.Name.Name));
    }

    [Fact]
    public void Guarded_drops_and_alters_of_objects_not_created_yet_are_skipped()
    {
        var r = Read("""
            DECLARE @DropDb BIT = 1;
            IF @DropDb = 1
            BEGIN
                DROP INDEX IF EXISTS [IX_T] ON [dbo].[T];
                IF OBJECT_ID(N'[dbo].[FK_T_U]', N'F') IS NOT NULL
                ALTER TABLE [dbo].[T] DROP CONSTRAINT [FK_T_U];
                IF EXISTS (SELECT * FROM sys.foreign_keys WHERE object_id = OBJECT_ID(N'[dbo].[FK_T_U]') AND parent_object_id = OBJECT_ID(N'[dbo].[T]'))
                ALTER TABLE [dbo].[T] DROP CONSTRAINT [FK_T_U];
                IF OBJECT_ID(N'[dbo].[T]', N'U') IS NOT NULL
                DROP TABLE [dbo].[T];
                IF @@ROWCOUNT > 0
                ALTER TABLE [dbo].[Gone] DROP COLUMN [x];
            END
            GO
            CREATE TABLE [dbo].[T] ([Id] int PRIMARY KEY);
            """);
        Assert.Equal("T", Assert.Single(r.Graph.Tables).Name.Name);
        Assert.Contains(r.Notices, n => n.Message.Contains("cannot be decided", StringComparison.Ordinal));
        Assert.Contains(r.Notices, n => n.Message.Contains("not created so far", StringComparison.Ordinal));
    }

    [Fact]
    public void Versioned_upgrade_blocks_run_in_order_from_a_fresh_install()
    {
        // Hangfire's shape: the version is read from the (empty) Schema table, so the install starts at NULL and
        // every upgrade block runs; the block for a newer version than the target never does.
        var r = Read("""
            DECLARE @TARGET INT; SET @TARGET = 3;
            IF NOT EXISTS (SELECT [object_id] FROM [sys].[tables] WHERE [name] = 'Schema')
                CREATE TABLE [Schema] ([Version] int NOT NULL PRIMARY KEY);
            DECLARE @V int;
            SELECT @V = [Version] FROM [Schema];
            IF @V IS NOT NULL AND @V > @TARGET BEGIN RETURN; END
            IF @V IS NULL
            BEGIN
                CREATE TABLE [Counter] ([Id] int IDENTITY NOT NULL, [Key] nvarchar(100) NOT NULL, [Value] tinyint NOT NULL);
                CREATE INDEX [IX_Counter_Key] ON [Counter] ([Key]);
                SET @V = 1;
            END
            IF @V = 1
            BEGIN
                DROP INDEX [IX_Counter_Key] ON [Counter];
                ALTER TABLE [Counter] DROP COLUMN [Id];
                ALTER TABLE [Counter] ALTER COLUMN [Value] int NOT NULL;
                SET @V = @V + 1;
            END
            IF @V = 2
            BEGIN
                IF EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'Counter' AND COLUMN_NAME = 'Id')
                    ALTER TABLE [Counter] DROP COLUMN [Id];
                ALTER TABLE [Counter] ADD [Id] bigint IDENTITY(1, 1);
                ALTER TABLE [Counter] ADD CONSTRAINT [PK_Counter] PRIMARY KEY ([Key], [Id]);
                SET @V = 3;
            END
            IF @V = 4
                CREATE TABLE [Never] (a int);
            IF @V = 3
                RETURN;
            CREATE TABLE [AfterReturn] (a int);
            GO
            CREATE TABLE [NextBatch] (a int);
            """);
        Assert.Equal(["Schema", "Counter", "NextBatch"], r.Graph.Tables.Select(t => t.Name.Name));
        var counter = r.Graph.Table("dbo", "Counter");
        Assert.Equal(["Key", "Value", "Id"], counter.Columns.Select(c => c.Name));
        Assert.Equal(TypeKind.Integer, counter.Column("Value").Type.Kind);
        Assert.Equal(["Key", "Id"], counter.PrimaryKey!.Columns);
        Assert.Empty(r.Graph.Indexes);
    }

    [Fact]
    public void Dynamic_sql_literals_are_read_with_positions_in_the_file()
    {
        var r = Read("""
            IF NOT EXISTS (SELECT [schema_id] FROM [sys].[schemas] WHERE [name] = 'app')
            BEGIN
                EXEC (N'CREATE SCHEMA [app]');
            END
            EXEC (N'CREATE TABLE [app].[Note] ([Id] int PRIMARY KEY, [Text] nvarchar(20) DEFAULT N''it''''s'')');
            EXEC sp_executesql N'CREATE TABLE [app].[Tag] ([Id] int PRIMARY KEY)';
            DECLARE @sql nvarchar(max) = N'CREATE TABLE [app].[Hidden] (a int)';
            EXEC sp_executesql @sql;
            EXEC (N'CREATE TABLE [app].[Bad] ([Id] int,, b int)');
            """);
        Assert.Equal(["Note", "Tag"], r.Graph.Tables.Select(t => t.Name.Name));
        var note = r.Graph.Table("app", "Note");
        Assert.Equal(new SourcePosition("test.sql", 5, 9), note.Position);
        Assert.Equal("N'it''s'", note.Column("Text").Default);
        Assert.Contains(r.Notices, n => n.Message.Contains("built at run time", StringComparison.Ordinal));
        var bad = Assert.Single(r.Notices, n => n.Message.Contains("does not parse", StringComparison.Ordinal));
        Assert.Contains("test.sql:9:", bad.Message, StringComparison.Ordinal);
    }
}
