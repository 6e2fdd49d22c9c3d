using PluRelSql.Schema.Postgres;
using PluRelSql.TestSupport;

namespace PluRelSql.Schema.Tests;

/// <summary>The reader on real third-party schemas: every file reads, and the facts we counted by hand hold.</summary>
public sealed class CorpusReaderTests
{
    private static SchemaReadResult ReadPg(string file) => PgDdlReader.ReadFiles([Corpus.Postgres(file)]);

    private static QualifiedName P(string name) => new("public", name);

    [CorpusFact("postgres/chinook.sql")]
    public void Chinook_reads_tables_keys_and_self_reference()
    {
        var r = ReadPg("chinook.sql");
        var g = r.Graph;
        Assert.Equal(11, g.Tables.Count);
        Assert.All(g.Tables, t => Assert.NotNull(t.PrimaryKey));
        Assert.Equal(11, g.Tables.Sum(t => t.ForeignKeys.Count));
        Assert.Equal(11, g.Indexes.Count);

        var employee = g.Table("public", "employee");
        var reportsTo = Assert.Single(employee.ForeignKeys);
        Assert.Equal("employee_reports_to_fkey", reportsTo.Name);
        Assert.True(reportsTo.IsSelfReference(employee));
        Assert.Equal(["reports_to"], reportsTo.Columns);
        Assert.Equal(["employee_id"], reportsTo.RefColumns);
        Assert.Equal(ReferentialAction.NoAction, reportsTo.OnDelete);

        var track = g.Table("public", "track");
        Assert.Equal(3, track.ForeignKeys.Count);
        Assert.Equal("numeric(10,2)", track.Column("unit_price").Type.ToPgSql());
        Assert.Equal("character varying(200)", track.Column("name").Type.ToPgSql());
        Assert.False(track.Column("name").Nullable);
        Assert.True(track.Column("composer").Nullable);
        Assert.Equal(["playlist_id", "track_id"], g.Table("public", "playlist_track").PrimaryKey!.Columns);
        Assert.Equal("timestamp without time zone", g.Table("public", "invoice").Column("invoice_date").Type.ToPgSql());

        var kinds = r.Notices.Select(n => n.Kind).ToList();
        Assert.Contains("data", kinds);
        Assert.Contains("database", kinds);
        Assert.Contains("psql-command", kinds);
        Assert.Contains("drop", kinds);
        Assert.Equal(kinds.Count, kinds.Distinct().Count()); // one notice per skipped kind
        var psql = r.Notices.Single(n => n.Kind == "psql-command");
        Assert.Equal(28, psql.Position.Line);
        Assert.Equal(1, psql.Position.Column);
    }

    [CorpusFact("postgres/northwind.sql")]
    public void Northwind_reads_keys_and_resolves_fks_without_columns_to_primary_keys()
    {
        var r = ReadPg("northwind.sql");
        var g = r.Graph;
        Assert.Equal(14, g.Tables.Count);
        Assert.Equal(14, g.Tables.Count(t => t.PrimaryKey is not null));
        Assert.Equal(13, g.Tables.Sum(t => t.ForeignKeys.Count));

        var od = g.Table("public", "order_details");
        Assert.Equal("pk_order_details", od.PrimaryKey!.Name);
        Assert.Equal(["order_id", "product_id"], od.PrimaryKey.Columns);
        var toOrders = od.ForeignKeys.Single(f => f.Name == "fk_order_details_orders");
        Assert.Equal(P("orders"), toOrders.RefTable);
        Assert.Equal(["order_id"], toOrders.RefColumns);

        var cust = g.Table("public", "customer_customer_demo").ForeignKeys.Single(f => f.Name == "fk_customer_customer_demo_customer_demographics");
        Assert.Equal(["customer_type_id"], cust.RefColumns);
        Assert.True(g.Table("public", "employees").ForeignKeys.Single().IsSelfReference(g.Table("public", "employees")));
        Assert.Equal("real", od.Column("unit_price").Type.ToPgSql());
        Assert.Equal("bytea", g.Table("public", "categories").Column("picture").Type.ToPgSql());

        var kinds = r.Notices.Select(n => n.Kind).ToList();
        Assert.Contains("data", kinds);
        Assert.Contains("set", kinds);
        Assert.Contains("drop", kinds);
    }

    [CorpusFact("postgres/pagila-schema.sql")]
    public void Pagila_reads_enum_domain_partitions_sequences_and_indexes()
    {
        var r = ReadPg("pagila-schema.sql");
        var g = r.Graph;
        // 15 plain tables + payment + 7 payment partitions; 13 sequences; 34 indexes less one on a materialized view.
        Assert.Equal(22, g.Tables.Count);
        Assert.Equal(15, g.LoadableTables.Count());
        Assert.Equal(13, g.Sequences.Count);
        Assert.Equal(33, g.Indexes.Count);
        Assert.Equal(36, g.Tables.Sum(t => t.ForeignKeys.Count));

        var film = g.Table("public", "film");
        var rating = film.Column("rating").Type;
        Assert.Equal(TypeKind.Enum, rating.Kind);
        Assert.Equal(P("mpaa_rating"), rating.UserType);
        Assert.Equal("mpaa_rating", rating.ToPgSql());
        Assert.Equal("'G'::public.mpaa_rating", film.Column("rating").Default);
        Assert.Equal(["G", "PG", "PG-13", "R", "NC-17"], g.FindEnum(P("mpaa_rating"))!.Labels);

        var year = film.Column("release_year").Type;
        Assert.Equal(P("year"), year.Domain);
        Assert.Equal(TypeKind.Integer, year.Kind);
        Assert.Equal("year", year.ToPgSql());
        var yearDomain = g.FindDomain(P("year"))!;
        var check = Assert.Single(yearDomain.Checks);
        Assert.Equal("year_check", check.Name);
        Assert.Equal("((VALUE >= 1901) AND (VALUE <= 2155))", check.Expression);
        Assert.Equal("and(VALUE >= 1901, VALUE <= 2155)", PredicateText.Show(check.Predicate));
        Assert.Equal(TypeKind.BigInt, g.FindDomain(P("bıgınt"))!.BaseType.Kind);

        Assert.Equal("text[]", film.Column("special_features").Type.ToPgSql());
        Assert.Equal(TypeKind.TsVector, film.Column("fulltext").Type.Kind);
        Assert.Equal("numeric(4,2)", film.Column("rental_rate").Type.ToPgSql());
        Assert.Equal("character(20)", g.Table("public", "language").Column("name").Type.ToPgSql());

        var filmId = film.Column("film_id");
        Assert.Equal(IdentityKind.Sequence, filmId.Identity);
        Assert.Equal(P("film_film_id_seq"), filmId.Sequence);
        Assert.False(filmId.Nullable);

        var payment = g.Table("public", "payment");
        Assert.Equal("RANGE", payment.Partitioning!.Strategy);
        Assert.Equal(["payment_date"], payment.Partitioning.Columns);
        Assert.Equal(7, payment.Partitioning.Partitions.Count);
        var first = payment.Partitioning.Partitions[0];
        Assert.Equal(P("payment_p2022_01"), first.Table);
        Assert.Equal(["'2022-01-01 00:00:00+00'"], first.From);
        Assert.Equal(["'2022-02-01 00:00:00+00'"], first.To);
        Assert.Equal("FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00')", first.Bound);
        Assert.Equal(P("payment"), g.Table("public", "payment_p2022_07").PartitionOf);
        Assert.Equal(["payment_date", "payment_id"], payment.PrimaryKey!.Columns);
        Assert.Null(payment.PrimaryKey.Name);

        var rentalIdx = g.Indexes.Single(i => i.Name == "idx_unq_rental_rental_date_inventory_id_customer_id");
        Assert.True(rentalIdx.Unique);
        Assert.Equal(P("rental"), rentalIdx.Table);
        Assert.Equal("CREATE UNIQUE INDEX idx_unq_rental_rental_date_inventory_id_customer_id ON public.rental USING btree (rental_date, inventory_id, customer_id)", rentalIdx.Sql);

        var addr = g.Table("public", "address").ForeignKeys.Single();
        Assert.Equal(ReferentialAction.Restrict, addr.OnDelete);
        Assert.Equal(ReferentialAction.Cascade, addr.OnUpdate);

        var kinds = r.Notices.Select(n => n.Kind).ToHashSet();
        Assert.Superset(new HashSet<string> { "function", "view", "trigger", "owner", "set", "select", "grant" }, kinds);
        Assert.Empty(g.Extensions);
        // Every table loads in some order (the FK graph of the loadable tables is acyclic here).
        Assert.Equal(15, g.ComputeLoadOrder().Tables.Count);
    }

    [CorpusFact("postgres/pagila-pg18-schema.sql")]
    public void Pagila_pg18_reads_virtual_generated_column_uuidv7_and_pgvector()
    {
        var r = ReadPg("pagila-pg18-schema.sql");
        var g = r.Graph;
        Assert.Equal(71, g.Tables.Count);
        Assert.Equal(55, g.Table("public", "payment").Partitioning!.Partitions.Count);
        Assert.Equal(["vector"], g.Extensions);

        var lengthHours = g.Table("public", "film").Column("length_hours");
        Assert.Equal("round(length / 60.0, 2)", lengthHours.GeneratedExpression);
        Assert.Equal("VIRTUAL", lengthHours.GeneratedKind);
        Assert.False(lengthHours.IsLoaded);

        var embedding = g.Table("public", "film_embedding").Column("embedding");
        Assert.Equal(TypeKind.Other, embedding.Type.Kind);
        Assert.Equal(P("vector"), embedding.Type.UserType);
        Assert.False(embedding.Nullable);
        Assert.Contains(r.Notices, n => n.Kind == "type" && n.Message.Contains("vector", StringComparison.Ordinal));

        var uuid = g.Table("public", "customer").Column("uuid");
        Assert.Equal(TypeKind.Uuid, uuid.Type.Kind);
        Assert.Equal("uuidv7()", uuid.Default);
        Assert.Equal("text", g.Table("public", "language").Column("name").Type.ToPgSql());
        var embFk = g.Table("public", "film_embedding").ForeignKeys.Single();
        Assert.Equal(ReferentialAction.Cascade, embFk.OnDelete);
    }

    [CorpusFact("generic/tpch-dss.ddl", "generic/tpch-dss.ri")]
    public void Tpch_ddl_and_db2_ri_read_together_into_one_graph()
    {
        var ddl = Corpus.Generic("tpch-dss.ddl");
        var ri = Corpus.Generic("tpch-dss.ri");
        var g = PgDdlReader.ReadFiles([ddl, ri]).Graph;
        Assert.Equal(8, g.Tables.Count);
        Assert.All(g.Tables, t => Assert.NotNull(t.PrimaryKey));
        Assert.Equal(8, g.Tables.Sum(t => t.ForeignKeys.Count));

        var lineitem = g.Table("public", "lineitem");
        Assert.Equal(["l_orderkey", "l_linenumber"], lineitem.PrimaryKey!.Columns);
        Assert.Null(lineitem.PrimaryKey.Name);
        var toPartsupp = lineitem.ForeignKeys.Single(f => f.Name == "lineitem_fk2");
        Assert.Equal(P("partsupp"), toPartsupp.RefTable);
        Assert.Equal(["l_partkey", "l_suppkey"], toPartsupp.Columns);
        Assert.Equal(["ps_partkey", "ps_suppkey"], toPartsupp.RefColumns);
        Assert.Equal(ri, toPartsupp.Position!.Value.File);

        var expected = new Dictionary<string, (string Table, string Column, string Ref)>
        {
            ["nation_fk1"] = ("nation", "n_regionkey", "region"),
            ["supplier_fk1"] = ("supplier", "s_nationkey", "nation"),
            ["customer_fk1"] = ("customer", "c_nationkey", "nation"),
            ["partsupp_fk1"] = ("partsupp", "ps_suppkey", "supplier"),
            ["partsupp_fk2"] = ("partsupp", "ps_partkey", "part"),
            ["orders_fk1"] = ("orders", "o_custkey", "customer"),
            ["lineitem_fk1"] = ("lineitem", "l_orderkey", "orders"),
        };
        foreach (var (name, (table, column, target)) in expected)
        {
            var fk = g.Table("public", table).ForeignKeys.Single(f => f.Name == name);
            Assert.Equal([column], fk.Columns);
            Assert.Equal(P(target), fk.RefTable);
            Assert.Equal(g.Table(P(target)).PrimaryKey!.Columns, fk.RefColumns);
        }
        Assert.Equal("character(25)", g.Table("public", "nation").Column("n_name").Type.ToPgSql());
        Assert.Equal("numeric(15,2)", lineitem.Column("l_quantity").Type.ToPgSql());
        Assert.Equal(new SourcePosition(ddl, 2, 1), g.Table("public", "nation").Position);
        var order = g.ComputeLoadOrder().Tables.Select(t => t.Name.Name).ToList();
        Assert.True(order.IndexOf("region") < order.IndexOf("nation"));
        Assert.True(order.IndexOf("partsupp") < order.IndexOf("lineitem"));
    }
}
