using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

using PluRelSql.TestSupport;

namespace PluRelSql.Storage.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PgIntrospectorTests(ClusterFixture fx)
{
    private static QualifiedName P(string name) => new("public", name);

    private async Task<(SchemaGraph Graph, string Cs)> ReadAsync(string ddl, IReadOnlyCollection<string>? schemas = null)
    {
        var cs = await fx.NewDatabaseAsync("introspect");
        await ClusterFixture.ExecAsync(cs, ddl);
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        return (await PgIntrospector.ReadAsync(conn, schemas), cs);
    }

    [Fact]
    public async Task Keeps_no_inherit_nulls_not_distinct_include_deferrable_and_match_full()
    {
        var (g, _) = await ReadAsync("""
            CREATE TABLE p (a int, b int, PRIMARY KEY (a, b) INCLUDE (c), c int);
            CREATE TABLE t (id int, code text, a int, b int, "Note" text,
              CONSTRAINT pos CHECK (id > 0) NO INHERIT,
              CONSTRAINT plain CHECK (id < 100),
              CONSTRAINT u UNIQUE NULLS NOT DISTINCT (code) INCLUDE ("Note") DEFERRABLE INITIALLY DEFERRED,
              CONSTRAINT f FOREIGN KEY (a, b) REFERENCES p MATCH FULL);
            """);
        var t = g.Table(P("t"));
        var pos = t.Checks.Single(c => c.Name == "pos");
        Assert.True(pos.NoInherit);
        Assert.Equal("id > 0", pos.Expression);
        Assert.False(t.Checks.Single(c => c.Name == "plain").NoInherit);
        var u = t.Uniques.Single();
        Assert.True(u.NullsNotDistinct && u.Deferrable && u.InitiallyDeferred);
        Assert.Equal(["Note"], u.Include);
        Assert.Equal(ForeignKeyMatch.Full, t.ForeignKeys.Single().Match);
        Assert.Equal(["c"], g.Table(P("p")).PrimaryKey!.Include);
        // Written back, the clauses read as they were declared.
        var post = Schema.Output.PgDdlWriter.PostData(g);
        Assert.Contains("ALTER TABLE public.t ADD CONSTRAINT pos CHECK (id > 0) NO INHERIT", post);
        Assert.Contains("ALTER TABLE public.t ADD CONSTRAINT u UNIQUE NULLS NOT DISTINCT (code) INCLUDE (\"Note\") DEFERRABLE INITIALLY DEFERRED", post);
    }

    [Fact]
    public async Task Reads_exclusion_constraints_so_generation_from_the_catalog_honours_them()
    {
        var (g, _) = await ReadAsync("""
            CREATE EXTENSION IF NOT EXISTS btree_gist;
            CREATE TABLE booking (id int PRIMARY KEY, room int NOT NULL, slot int NOT NULL, during tsrange, note text,
              CONSTRAINT one_per_slot EXCLUDE USING gist (room WITH =, slot WITH =),
              CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) INCLUDE (note) WHERE (id > 0) DEFERRABLE);
            """);
        var t = g.Table(P("booking"));
        Assert.Equal(2, t.Exclusions.Count);
        var slot = t.Exclusions.Single(x => x.Name == "one_per_slot");
        Assert.Equal("gist", slot.Method);
        Assert.Equal(["room", "slot"], slot.EqualityColumns());
        var overlap = t.Exclusions.Single(x => x.Name == "no_overlap");
        Assert.Equal(["=", "&&"], overlap.Elements.Select(e => e.Operator));
        Assert.Equal(["room", "during"], overlap.Elements.Select(e => e.Column));
        Assert.Null(overlap.EqualityColumns());
        Assert.Equal(["note"], overlap.Include);
        Assert.Equal("id > 0", overlap.Where);
        Assert.True(overlap.Deferrable && !overlap.InitiallyDeferred);
        Assert.Equal("EXCLUDE USING gist (room WITH =, during WITH &&) INCLUDE (note) WHERE (id > 0) DEFERRABLE",
            Schema.Output.PgDdlWriter.ExclusionClause(overlap));
    }

    [Fact]
    public async Task Reads_tables_columns_and_types()
    {
        var (g, _) = await ReadAsync(TestSchema.Shop);
        Assert.Equal(
            ["customer", "product", "order_line", "measurement", "measurement_2024", "measurement_2025",
             "region_sales", "region_sales_eu", "region_sales_rest"],
            g.Tables.Select(t => t.Name.Name));

        var customer = g.Table(P("customer"));
        Assert.Equal(["customer_id", "email", "mood", "code", "ip", "created_at", "tags", "referred_by"],
            customer.Columns.Select(c => c.Name));
        Assert.Equal(new SqlType { Kind = TypeKind.Varchar, Length = 120 }, customer.Column("email").Type);
        Assert.False(customer.Column("email").Nullable);
        Assert.Equal(TypeKind.Enum, customer.Column("mood").Type.Kind);
        Assert.Equal(P("mood"), customer.Column("mood").Type.UserType);
        Assert.Equal("'ok'::mood", customer.Column("mood").Default);
        Assert.Equal(new SqlType { Kind = TypeKind.Text, ArrayDims = 1 }, customer.Column("tags").Type);
        Assert.Equal(TypeKind.Inet, customer.Column("ip").Type.Kind);
        Assert.Equal("now()", customer.Column("created_at").Default);

        var code = customer.Column("code");
        Assert.Equal(P("short_code"), code.Type.Domain);
        Assert.Equal(TypeKind.Varchar, code.Type.Kind);
        Assert.Equal(8, code.Type.Length);
        Assert.True(code.Nullable);
    }

    [Fact]
    public async Task Reads_table_and_column_comments_that_feed_the_classifier()
    {
        var (g, _) = await ReadAsync("""
            CREATE TABLE invoice (id int PRIMARY KEY, c1 char(3), c2 integer, plain text);
            COMMENT ON TABLE invoice IS 'One row per invoice';
            COMMENT ON COLUMN invoice.c1 IS 'ISO 4217 code';
            COMMENT ON COLUMN invoice.c2 IS 'processing time in milliseconds';
            """);
        var t = g.Table(P("invoice"));
        Assert.Equal("One row per invoice", t.Comment);
        Assert.Equal("ISO 4217 code", t.Column("c1").Comment);
        Assert.Null(t.Column("plain").Comment);
        Assert.Equal(SemanticKind.CurrencyCode, ColumnSemantics.Classify(t, t.Column("c1"), g).Kind);
        var ms = ColumnSemantics.Classify(t, t.Column("c2"), g);
        Assert.Equal((SemanticKind.Duration, DurationUnit.Milliseconds), (ms.Kind, ms.Unit));
    }

    [Fact]
    public async Task Reads_identity_serial_nextval_and_generated_columns()
    {
        var (g, _) = await ReadAsync(TestSchema.Shop);
        var id = g.Table(P("customer")).Column("customer_id");
        Assert.Equal(IdentityKind.Always, id.Identity);
        Assert.Equal(P("customer_customer_id_seq"), id.Sequence);
        Assert.Null(id.Default);

        var serial = g.Table(P("product")).Column("product_id");
        Assert.Equal(IdentityKind.Sequence, serial.Identity);
        Assert.Equal(P("product_product_id_seq"), serial.Sequence);
        Assert.Equal("nextval('product_product_id_seq'::regclass)", serial.Default);

        var line = g.Table(P("order_line"));
        Assert.Equal(IdentityKind.Sequence, line.Column("order_no").Identity);
        Assert.Equal(P("order_no_seq"), line.Column("order_no").Sequence);
        var total = line.Column("total");
        Assert.Equal("STORED", total.GeneratedKind);
        Assert.Equal("((qty)::numeric * unit_price)", total.GeneratedExpression);
        Assert.False(total.IsLoaded);
        Assert.Null(total.Default);
        Assert.Equal(IdentityKind.None, line.Column("qty").Identity);

        // Serial and explicit sequences are listed; the identity's own sequence is not.
        Assert.Equal(["order_no_seq", "product_product_id_seq"], g.Sequences.Select(s => s.Name.Name));
        var orderNo = g.FindSequence(P("order_no_seq"))!;
        Assert.Equal(100, orderNo.Start);
        Assert.Equal(5, orderNo.Increment);
        Assert.Null(orderNo.MaxValue);
        Assert.Null(orderNo.OwnedBy);
        var productSeq = g.FindSequence(P("product_product_id_seq"))!;
        Assert.Equal("integer", productSeq.DataType);
        Assert.Equal((P("product"), "product_id"), productSeq.OwnedBy);
    }

    [Fact]
    public async Task Reads_enums_and_domains()
    {
        var (g, _) = await ReadAsync(TestSchema.Shop + "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';");
        Assert.Equal(["sad", "meh", "ok", "happy"], Assert.Single(g.Enums).Labels);

        var amount = g.FindDomain(P("positive_amount"))!;
        Assert.Equal(new SqlType { Kind = TypeKind.Numeric, Precision = 10, Scale = 2 }, amount.BaseType);
        Assert.True(amount.NotNull);
        Assert.Equal("1", amount.Default);
        var check = Assert.Single(amount.Checks);
        Assert.Equal("positive_amount_check", check.Name);
        Assert.Equal("VALUE > (0)::numeric", check.Expression);

        // A NOT NULL domain makes its column non-nullable.
        var price = g.Table(P("product")).Column("price");
        Assert.False(price.Nullable);
        Assert.Equal(P("positive_amount"), price.Type.Domain);
        Assert.Equal("positive_amount", price.Type.ToPgSql());
    }

    [Fact]
    public async Task Reads_keys_foreign_keys_and_checks_with_names_and_order()
    {
        var (g, _) = await ReadAsync(TestSchema.Shop);
        var customer = g.Table(P("customer"));
        Assert.Equal("customer_pkey", customer.PrimaryKey!.Name);
        Assert.Equal(["customer_id"], customer.PrimaryKey.Columns);
        Assert.Equal("customer_email_key", Assert.Single(customer.Uniques).Name);
        var self = Assert.Single(customer.ForeignKeys);
        Assert.True(self.IsSelfReference(customer));
        Assert.Equal(ReferentialAction.SetNull, self.OnDelete);
        Assert.Equal(["customer_id"], self.RefColumns);

        var line = g.Table(P("order_line"));
        Assert.Equal(["order_no", "line_no"], line.PrimaryKey!.Columns);
        var byName = line.ForeignKeys.ToDictionary(f => f.Name!);
        var cust = byName["order_line_customer_fk"];
        Assert.True(cust.Deferrable);
        Assert.True(cust.InitiallyDeferred);
        Assert.Equal(P("customer"), cust.RefTable);
        var prod = byName["order_line_product_id_fkey"];
        Assert.Equal(["product_id"], prod.RefColumns);
        Assert.Equal(ReferentialAction.Cascade, prod.OnUpdate);
        Assert.Equal(ReferentialAction.NoAction, prod.OnDelete);
        Assert.False(prod.Deferrable);

        var product = g.Table(P("product"));
        Assert.Equal(
            [("product_weight_g_check", "(weight_g >= 1) AND (weight_g <= 100000)"), ("product_name_len", "length(name) > 0")],
            product.Checks.Select(c => (c.Name!, c.Expression)).OrderByDescending(c => c.Item1));
        Assert.Equal("qty > 0", Assert.Single(line.Checks).Expression);
    }

    [Fact]
    public async Task Reads_partitions_with_bounds_and_keeps_inherited_constraints_on_the_parent()
    {
        var (g, _) = await ReadAsync(TestSchema.Shop);
        var m = g.Table(P("measurement"));
        Assert.Equal("RANGE", m.Partitioning!.Strategy);
        Assert.Equal(["logdate"], m.Partitioning.Columns);
        Assert.Equal(["measurement_2024", "measurement_2025"], m.Partitioning.Partitions.Select(p => p.Table.Name));
        var b = m.Partitioning.Partitions[0];
        Assert.Equal("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", b.Bound);
        Assert.Equal(["'2024-01-01'"], b.From);
        Assert.Equal(["'2025-01-01'"], b.To);
        Assert.Equal("peak > ('-100'::integer)::double precision", Assert.Single(m.Checks).Expression);

        var p2024 = g.Table(P("measurement_2024"));
        Assert.Equal(P("measurement"), p2024.PartitionOf);
        Assert.Empty(p2024.Checks); // inherited from the parent: implied, not listed
        Assert.Equal(["city_id", "logdate", "peak"], p2024.Columns.Select(c => c.Name));

        var r = g.Table(P("region_sales"));
        Assert.Equal("LIST", r.Partitioning!.Strategy);
        Assert.Equal(["'de'", "'fr'", "'it''s'"], r.Partitioning.Partitions[0].In);
        Assert.Equal("DEFAULT", r.Partitioning.Partitions[1].Bound);
        Assert.Null(r.Partitioning.Partitions[1].In);

        Assert.Equal(["customer", "product", "order_line", "measurement", "region_sales"],
            g.LoadableTables.Select(t => t.Name.Name));
        // Only the index declared with CREATE INDEX: not the key indexes, not the per-partition copies.
        Assert.Equal(["order_line_product_idx", "measurement_city_idx"], g.Indexes.Select(i => i.Name));
        Assert.Equal("CREATE INDEX order_line_product_idx ON public.order_line USING btree (product_id, qty DESC)",
            g.Indexes[0].Sql);
    }

    [Fact]
    public async Task Checks_get_their_predicates()
    {
        var (g, _) = await ReadAsync(TestSchema.Shop);
        var check = Assert.Single(g.Table(P("order_line")).Checks);
        Assert.IsType<ComparePredicate>(check.Predicate);
        Assert.All(g.Table(P("product")).Checks, c => Assert.NotNull(c.Predicate));
    }

    [Fact]
    public async Task ToPgSql_equals_format_type_for_every_column()
    {
        var (g, cs) = await ReadAsync(TestSchema.Shop + TestSchema.ManyTypes);
        var expected = new Dictionary<(string, string, string), string>();
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'other') AND a.attnum > 0 AND NOT a.attisdropped
                """, conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) expected[(r.GetString(0), r.GetString(1), r.GetString(2))] = r.GetString(3);
        }
        var compared = 0;
        foreach (var t in g.Tables)
            foreach (var c in t.Columns)
            {
                Assert.Equal(expected[(t.Name.Schema, t.Name.Name, c.Name)], c.Type.ToPgSql());
                compared++;
            }
        Assert.Equal(expected.Count, compared);
        Assert.True(compared > 60);

        var all = g.Table("other", "all_types");
        Assert.Equal(new SqlType { Kind = TypeKind.Numeric, Precision = 5, Scale = -2 }, all.Column("c_numeric_neg").Type);
        // PostgreSQL does not enforce declared dimensions: text[][] is stored (and printed) as text[].
        Assert.Equal(1, all.Column("c_text_arr2").Type.ArrayDims);
        Assert.Equal(TypeKind.Other, all.Column("c_point").Type.Kind);
        Assert.Equal(new QualifiedName("other", "color"), all.Column("c_enum_arr").Type.UserType);
        Assert.Equal(1, all.Column("c_enum_arr").Type.ArrayDims);
    }

    [Fact]
    public async Task Schema_filter_limits_what_is_read_and_resolves_outside_references()
    {
        var (g, _) = await ReadAsync(TestSchema.ManyTypes + """
            CREATE TABLE public.parent (id int PRIMARY KEY);
            CREATE TABLE other.child (id int PRIMARY KEY, parent_id int REFERENCES public.parent);
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            """, ["other"]);
        Assert.Equal(["all_types", "child"], g.Tables.Select(t => t.Name.Name));
        Assert.Equal(["color"], g.Enums.Select(e => e.Name.Name));
        var fk = Assert.Single(g.Table("other", "child").ForeignKeys);
        Assert.Equal(P("parent"), fk.RefTable);
        Assert.Equal(["id"], fk.RefColumns);
        Assert.Contains("pg_trgm", g.Extensions);
        Assert.DoesNotContain("plpgsql", g.Extensions);
    }
}
