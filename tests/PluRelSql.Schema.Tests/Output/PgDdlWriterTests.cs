using PluRelSql.Schema.Output;

namespace PluRelSql.Schema.Tests.Output;

public sealed class PgDdlWriterTests
{
    [Fact]
    public void PreData_creates_every_object_in_dependency_order_without_keys()
    {
        string[] expected =
        [
            "CREATE SCHEMA IF NOT EXISTS inventory",
            "CREATE SCHEMA IF NOT EXISTS \"Sales\"",
            "CREATE EXTENSION IF NOT EXISTS pgcrypto",
            "CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'it''s fine')",
            "CREATE DOMAIN public.us_postal AS character varying(10) NOT NULL CONSTRAINT us_postal_check CHECK (VALUE ~ '^[0-9]{5}$')",
            "CREATE SEQUENCE inventory.order_no_seq AS integer START WITH 1000 INCREMENT BY 5 MINVALUE 1000 MAXVALUE 999999 CYCLE",
            """
            CREATE TABLE public.customer (
                id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "Full Name" text COLLATE "C" NOT NULL,
                mood public.mood DEFAULT 'ok'::mood,
                tags text[],
                zip public.us_postal NOT NULL
            )
            """,
            """
            CREATE TABLE inventory.orders (
                order_no integer DEFAULT nextval('inventory.order_no_seq'::regclass) NOT NULL,
                customer_id bigint NOT NULL,
                qty integer NOT NULL,
                unit_price numeric(10,2),
                total numeric(12,2) GENERATED ALWAYS AS (qty * unit_price) STORED
            )
            """,
            """
            CREATE TABLE "Sales"."LineItem" (
                "OrderNo" integer NOT NULL,
                "LineNo" smallint NOT NULL,
                "ParentLine" smallint,
                sku character varying(20)
            )
            """,
            """
            CREATE TABLE public.events (
                id bigint NOT NULL,
                created_on date NOT NULL,
                customer_id bigint,
                payload jsonb
            ) PARTITION BY RANGE (created_on)
            """,
            // Partitions follow their parent, in graph order, even though events_2025 is listed before events.
            "CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
            "CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
            "ALTER SEQUENCE inventory.order_no_seq OWNED BY inventory.orders.order_no",
        ];
        Assert.Equal(expected, PgDdlWriter.PreData(SampleGraph.Build()));
    }

    [Fact]
    public void PostData_adds_keys_then_checks_then_foreign_keys_then_indexes_and_leaves_inherited_ones_to_postgres()
    {
        string[] expected =
        [
            "ALTER TABLE public.customer ADD CONSTRAINT customer_pkey PRIMARY KEY (id)",
            "ALTER TABLE inventory.orders ADD PRIMARY KEY (order_no)",
            "ALTER TABLE \"Sales\".\"LineItem\" ADD CONSTRAINT \"LineItem_pkey\" PRIMARY KEY (\"OrderNo\", \"LineNo\")",
            // events_2024_pkey / events_2025_pkey are the parent's PK propagated: not added again.
            "ALTER TABLE public.events ADD PRIMARY KEY (id, created_on)",
            "ALTER TABLE public.customer ADD UNIQUE (\"Full Name\", zip)",
            "ALTER TABLE public.customer ADD CONSTRAINT name_not_blank CHECK (length(\"Full Name\") > 0)",
            "ALTER TABLE inventory.orders ADD CHECK (qty BETWEEN 1 AND 100)",
            "ALTER TABLE inventory.orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES public.customer (id) ON DELETE CASCADE ON UPDATE RESTRICT",
            "ALTER TABLE \"Sales\".\"LineItem\" ADD CONSTRAINT line_parent_fk FOREIGN KEY (\"OrderNo\", \"ParentLine\") REFERENCES \"Sales\".\"LineItem\" (\"OrderNo\", \"LineNo\") DEFERRABLE INITIALLY DEFERRED",
            "ALTER TABLE \"Sales\".\"LineItem\" ADD FOREIGN KEY (\"OrderNo\") REFERENCES inventory.orders (order_no) ON DELETE CASCADE",
            "ALTER TABLE public.events ADD CONSTRAINT events_customer_fk FOREIGN KEY (customer_id) REFERENCES public.customer (id)",
            // The trailing semicolon is dropped; customer_pkey's index comes with the constraint.
            "CREATE INDEX events_payload_idx ON public.events USING gin (payload)",
        ];
        Assert.Equal(expected, PgDdlWriter.PostData(SampleGraph.Build()));
    }

    [Fact]
    public void Script_is_pre_data_then_post_data_each_statement_ended_by_a_semicolon()
    {
        var g = SampleGraph.Build();
        var script = PgDdlWriter.Script(g);
        var statements = PgDdlWriter.PreData(g).Concat(PgDdlWriter.PostData(g)).ToList();
        Assert.Equal(string.Join(";\n", statements) + ";\n", script);
        Assert.StartsWith("CREATE SCHEMA IF NOT EXISTS inventory;\n", script, StringComparison.Ordinal);
        Assert.EndsWith("USING gin (payload);\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_constraints_that_differ_from_the_parent_are_added_and_equal_ones_are_not()
    {
        var g = SampleGraph.Build();
        var parent = g.Table(SampleGraph.Events);
        parent = parent with { Checks = [.. parent.Checks, new CheckConstraint { Name = "events_id_positive", Expression = "id > 0" }] };
        var p2024 = g.Table("public", "events_2024");
        // PostgreSQL prints the inherited check back with extra parentheses: still the parent's.
        p2024 = p2024 with { Checks = [.. p2024.Checks, new CheckConstraint { Name = "events_id_positive", Expression = "((id > 0))" }] };
        p2024 = p2024 with { Uniques = [.. p2024.Uniques, new KeyConstraint { Columns = ["payload", "created_on"] }] };
        p2024 = p2024 with { ForeignKeys = [.. p2024.ForeignKeys, new ForeignKey { Columns = ["customer_id"], RefTable = SampleGraph.Customer, RefColumns = ["id"], OnDelete = ReferentialAction.SetNull }] };
        g = g with { Tables = [.. g.Tables.Select(t => t.Name == parent.Name ? parent : t.Name == p2024.Name ? p2024 : t)] };

        var post = PgDdlWriter.PostData(g);

        Assert.Contains("ALTER TABLE public.events ADD CONSTRAINT events_id_positive CHECK (id > 0)", post);
        Assert.DoesNotContain(post, s => s.StartsWith("ALTER TABLE public.events_2024 ADD CONSTRAINT events_id_positive", StringComparison.Ordinal));
        Assert.Contains("ALTER TABLE public.events_2024 ADD UNIQUE (payload, created_on)", post);
        // Same columns and target as the parent's FK: the propagated one covers it, whatever the actions say.
        Assert.DoesNotContain(post, s => s.StartsWith("ALTER TABLE public.events_2024 ADD FOREIGN KEY", StringComparison.Ordinal));
        Assert.Single(post, s => s.Contains("events_2024", StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_column_carries_its_sequence_as_identity_options_instead_of_a_create_sequence()
    {
        var g = new SchemaGraph();
        var t = new TableDef { Name = new("public", "item") };
        t = t with { Columns = [.. t.Columns, new ColumnDef { Name = "id", Type = SqlType.Of(TypeKind.Integer), Nullable = false, Identity = IdentityKind.ByDefault }] };
        g = g with { Tables = [.. g.Tables, t] };
        g = g with
        {
            Sequences = [.. g.Sequences, new SequenceDef
        {
            Name = new("public", "item_id_seq"),
            DataType = "integer",
            Start = 10,
            Increment = 2,
            OwnedBy = (t.Name, "id"),
        }]
        };

        Assert.Equal(
        [
            "CREATE TABLE public.item (\n    id integer GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME public.item_id_seq START WITH 10 INCREMENT BY 2) NOT NULL\n)",
        ], PgDdlWriter.PreData(g));
    }

    [Fact]
    public void Serial_columns_get_a_sequence_when_the_graph_has_none()
    {
        var g = new SchemaGraph();
        var t = new TableDef { Name = new("shop", "ticket") };
        // serial with no sequence named at all: the serial keyword makes one.
        t = t with { Columns = [.. t.Columns, new ColumnDef { Name = "id", Type = SqlType.Of(TypeKind.BigInt), Nullable = false, Identity = IdentityKind.Sequence }] };
        // a sequence named but not defined: created, used as DEFAULT and owned by the column.
        t = t with
        {
            Columns = [.. t.Columns, new ColumnDef
        {
            Name = "no",
            Type = SqlType.Of(TypeKind.Integer),
            Nullable = false,
            Identity = IdentityKind.Sequence,
            Sequence = new("shop", "Ticket No"),
        }]
        };
        g = g with { Tables = [.. g.Tables, t] };

        Assert.Equal(
        [
            "CREATE SCHEMA IF NOT EXISTS shop",
            "CREATE SEQUENCE shop.\"Ticket No\" AS integer START WITH 1 INCREMENT BY 1",
            "CREATE TABLE shop.ticket (\n    id bigserial NOT NULL,\n    no integer DEFAULT nextval('shop.\"Ticket No\"'::regclass) NOT NULL\n)",
            "ALTER SEQUENCE shop.\"Ticket No\" OWNED BY shop.ticket.no",
        ], PgDdlWriter.PreData(g));
    }

    [Fact]
    public void Sub_partitioned_partition_is_created_after_its_parent_with_its_own_partition_by()
    {
        var g = new SchemaGraph();
        var root = new TableDef { Name = new("public", "m") };
        root = root with { Columns = [.. root.Columns, new ColumnDef { Name = "region", Type = SqlType.Of(TypeKind.Text), Nullable = false }] };
        root = root with { Columns = [.. root.Columns, new ColumnDef { Name = "day", Type = SqlType.Of(TypeKind.Date), Nullable = false }] };
        root = root with { Partitioning = new PartitionSpec { Strategy = "LIST", Columns = ["region"] } };
        root = root with { Partitioning = root.Partitioning! with { Partitions = [.. root.Partitioning!.Partitions, new PartitionBound { Table = new("public", "m_eu"), Bound = "FOR VALUES IN ('eu')" }] } };
        var eu = new TableDef { Name = new("public", "m_eu"), PartitionOf = root.Name };
        eu = eu with { Partitioning = new PartitionSpec { Strategy = "hash", Columns = ["day"] } };
        eu = eu with { Partitioning = eu.Partitioning! with { Partitions = [.. eu.Partitioning!.Partitions, new PartitionBound { Table = new("public", "m_eu_0"), Bound = "FOR VALUES WITH (MODULUS 2, REMAINDER 0)" }] } };
        var eu0 = new TableDef { Name = new("public", "m_eu_0"), PartitionOf = eu.Name };
        g = g with { Tables = [.. g.Tables, eu0, eu, root] };

        Assert.Equal(
        [
            "CREATE TABLE public.m (\n    region text NOT NULL,\n    day date NOT NULL\n) PARTITION BY LIST (region)",
            "CREATE TABLE public.m_eu PARTITION OF public.m FOR VALUES IN ('eu') PARTITION BY HASH (day)",
            "CREATE TABLE public.m_eu_0 PARTITION OF public.m_eu FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
        ], PgDdlWriter.PreData(g));
    }

    [Fact]
    public void Partition_without_a_bound_is_a_schema_error_that_names_it()
    {
        var g = new SchemaGraph();
        var parent = new TableDef { Name = new("public", "p") };
        parent = parent with { Columns = [.. parent.Columns, new ColumnDef { Name = "k", Type = SqlType.Of(TypeKind.Integer) }] };
        parent = parent with { Partitioning = new PartitionSpec { Strategy = "RANGE", Columns = ["k"] } };
        g = g with { Tables = [.. g.Tables, parent] };
        g = g with { Tables = [.. g.Tables, new TableDef { Name = new("public", "p_1"), PartitionOf = parent.Name, Position = new("s.sql", 7, 1) }] };

        var ex = Assert.Throws<SchemaException>(() => PgDdlWriter.PreData(g));
        Assert.Contains("public.p_1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition("s.sql", 7, 1), ex.Position);
    }

    [Fact]
    public void Unlogged_and_column_less_tables_and_expression_partition_keys()
    {
        var g = new SchemaGraph();
        g = g with { Tables = [.. g.Tables, new TableDef { Name = new("public", "empty"), Unlogged = true }] };
        var logs = new TableDef { Name = new("public", "user") };
        logs = logs with { Columns = [.. logs.Columns, new ColumnDef { Name = "at", Type = new SqlType { Kind = TypeKind.Timestamp, Precision = 3 } }] };
        logs = logs with { Partitioning = new PartitionSpec { Strategy = "range", Columns = ["date_trunc('day', at)"] } };
        g = g with { Tables = [.. g.Tables, logs] };

        Assert.Equal(
        [
            "CREATE UNLOGGED TABLE public.empty ()",
            "CREATE TABLE public.\"user\" (\n    at timestamp(3) without time zone\n) PARTITION BY RANGE ((date_trunc('day', at)))",
        ], PgDdlWriter.PreData(g));
    }

    [Theory]
    [InlineData(ReferentialAction.NoAction, ReferentialAction.NoAction, false, false, "FOREIGN KEY (a) REFERENCES public.p (id)")]
    [InlineData(ReferentialAction.SetNull, ReferentialAction.SetDefault, false, false, "FOREIGN KEY (a) REFERENCES public.p (id) ON DELETE SET NULL ON UPDATE SET DEFAULT")]
    [InlineData(ReferentialAction.Restrict, ReferentialAction.Cascade, true, false, "FOREIGN KEY (a) REFERENCES public.p (id) ON DELETE RESTRICT ON UPDATE CASCADE DEFERRABLE")]
    [InlineData(ReferentialAction.NoAction, ReferentialAction.NoAction, false, true, "FOREIGN KEY (a) REFERENCES public.p (id) DEFERRABLE INITIALLY DEFERRED")]
    public void Foreign_key_clause_spells_actions_and_deferral(ReferentialAction onDelete, ReferentialAction onUpdate,
        bool deferrable, bool initiallyDeferred, string expected)
    {
        var fk = new ForeignKey
        {
            Columns = ["a"],
            RefTable = new("public", "p"),
            RefColumns = ["id"],
            OnDelete = onDelete,
            OnUpdate = onUpdate,
            Deferrable = deferrable,
            InitiallyDeferred = initiallyDeferred,
        };
        Assert.Equal(expected, PgDdlWriter.ForeignKeyClause(fk));
    }
}

public sealed class PgDdlWriterVersionTests
{
    [Fact]
    public void Virtual_generated_columns_are_stored_for_servers_before_18()
    {
        var g = new SchemaGraph();
        var film = new TableDef { Name = new("public", "film") };
        film = film with { Columns = [.. film.Columns, new ColumnDef { Name = "length", Type = SqlType.Of(TypeKind.SmallInt) }] };
        film = film with
        {
            Columns = [.. film.Columns, new ColumnDef
        {
            Name = "length_hours",
            Type = new SqlType { Kind = TypeKind.Numeric, Precision = 4, Scale = 2 },
            GeneratedExpression = "round(length / 60.0, 2)",
            GeneratedKind = "VIRTUAL",
        }]
        };
        g = g with { Tables = [.. g.Tables, film] };

        const string Virtual = "CREATE TABLE public.film (\n    length smallint,\n    length_hours numeric(4,2) GENERATED ALWAYS AS (round(length / 60.0, 2)) VIRTUAL\n)";
        Assert.Equal([Virtual], PgDdlWriter.PreData(g));
        Assert.Equal([Virtual], PgDdlWriter.PreData(g, 18));
        Assert.Equal([Virtual.Replace("VIRTUAL", "STORED", StringComparison.Ordinal)], PgDdlWriter.PreData(g, 15));
        Assert.Equal(Virtual.Replace("VIRTUAL", "STORED", StringComparison.Ordinal) + ";\n", PgDdlWriter.Script(g, 15));
    }
}
