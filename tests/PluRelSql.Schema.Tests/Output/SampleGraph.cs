namespace PluRelSql.Schema.Tests.Output;

/// <summary>A hand-built graph that exercises every object the writers handle: two non-public schemas (one
/// mixed-case), an enum, a domain with a named CHECK, a sequence OWNED BY a column, an identity column, a composite
/// self-referencing FK, a range-partitioned table with two partitions (one listed before its parent), a generated
/// column, quoted mixed-case identifiers, an array column, a collation and a secondary index.</summary>
internal static class SampleGraph
{
    public static QualifiedName Customer => new("public", "customer");
    public static QualifiedName Orders => new("inventory", "orders");
    public static QualifiedName LineItem => new("Sales", "LineItem");
    public static QualifiedName Events => new("public", "events");

    public static SchemaGraph Build()
    {
        var g = new SchemaGraph();
        g = g with { Extensions = [.. g.Extensions, "pgcrypto"] };
        g = g with { Enums = [.. g.Enums, new EnumType { Name = new("public", "mood"), Labels = ["sad", "ok", "it's fine"] }] };

        var postal = new DomainType
        {
            Name = new("public", "us_postal"),
            BaseType = new SqlType { Kind = TypeKind.Varchar, Length = 10 },
            NotNull = true,
        };
        postal = postal with { Checks = [.. postal.Checks, new CheckConstraint { Name = "us_postal_check", Expression = "VALUE ~ '^[0-9]{5}$'" }] };
        g = g with { Domains = [.. g.Domains, postal] };

        g = g with
        {
            Sequences = [.. g.Sequences, new SequenceDef
        {
            Name = new("inventory", "order_no_seq"),
            DataType = "integer",
            Start = 1000,
            Increment = 5,
            MinValue = 1000,
            MaxValue = 999999,
            Cycle = true,
            OwnedBy = (Orders, "order_no"),
        }]
        };

        var customer = new TableDef { Name = Customer };
        customer = customer with { Columns = [.. customer.Columns, new ColumnDef { Name = "id", Type = SqlType.Of(TypeKind.BigInt), Nullable = false, Identity = IdentityKind.Always }] };
        customer = customer with { Columns = [.. customer.Columns, new ColumnDef { Name = "Full Name", Type = SqlType.Of(TypeKind.Text), Nullable = false, Collation = "C" }] };
        customer = customer with { Columns = [.. customer.Columns, new ColumnDef { Name = "mood", Type = new SqlType { Kind = TypeKind.Enum, UserType = new("public", "mood") }, Default = "'ok'::mood" }] };
        customer = customer with { Columns = [.. customer.Columns, new ColumnDef { Name = "tags", Type = new SqlType { Kind = TypeKind.Text, ArrayDims = 1 } }] };
        customer = customer with
        {
            Columns = [.. customer.Columns, new ColumnDef
        {
            Name = "zip",
            Type = new SqlType { Kind = TypeKind.Varchar, Length = 10, Domain = new("public", "us_postal") },
            Nullable = false,
        }]
        };
        customer = customer with { PrimaryKey = new KeyConstraint { Name = "customer_pkey", Columns = ["id"] } };
        customer = customer with { Uniques = [.. customer.Uniques, new KeyConstraint { Columns = ["Full Name", "zip"] }] };
        customer = customer with
        {
            Checks = [.. customer.Checks, new CheckConstraint
        {
            Name = "name_not_blank",
            Expression = "length(\"Full Name\") > 0",
            Predicate = new ComparePredicate(new LengthOperand("Full Name"), CompareOp.Gt, new ConstOperand(new NumberValue(0))),
        }]
        };
        g = g with { Tables = [.. g.Tables, customer] };

        var orders = new TableDef { Name = Orders };
        orders = orders with
        {
            Columns = [.. orders.Columns, new ColumnDef
        {
            Name = "order_no",
            Type = SqlType.Of(TypeKind.Integer),
            Nullable = false,
            Identity = IdentityKind.Sequence,
            Sequence = new("inventory", "order_no_seq"),
            Default = "nextval('inventory.order_no_seq'::regclass)",
        }]
        };
        orders = orders with { Columns = [.. orders.Columns, new ColumnDef { Name = "customer_id", Type = SqlType.Of(TypeKind.BigInt), Nullable = false }] };
        orders = orders with { Columns = [.. orders.Columns, new ColumnDef { Name = "qty", Type = SqlType.Of(TypeKind.Integer), Nullable = false }] };
        orders = orders with { Columns = [.. orders.Columns, new ColumnDef { Name = "unit_price", Type = new SqlType { Kind = TypeKind.Numeric, Precision = 10, Scale = 2 } }] };
        orders = orders with
        {
            Columns = [.. orders.Columns, new ColumnDef
        {
            Name = "total",
            Type = new SqlType { Kind = TypeKind.Numeric, Precision = 12, Scale = 2 },
            GeneratedExpression = "qty * unit_price",
            GeneratedKind = "STORED",
        }]
        };
        orders = orders with { PrimaryKey = new KeyConstraint { Columns = ["order_no"] } };
        orders = orders with
        {
            ForeignKeys = [.. orders.ForeignKeys, new ForeignKey
        {
            Name = "orders_customer_fk",
            Columns = ["customer_id"],
            RefTable = Customer,
            RefColumns = ["id"],
            OnDelete = ReferentialAction.Cascade,
            OnUpdate = ReferentialAction.Restrict,
        }]
        };
        orders = orders with
        {
            Checks = [.. orders.Checks, new CheckConstraint
        {
            Expression = "qty BETWEEN 1 AND 100",
            Predicate = new BetweenPredicate(new ColumnOperand("qty"), new ConstOperand(new NumberValue(1)),
                new ConstOperand(new NumberValue(100)), Negated: false),
        }]
        };
        g = g with { Tables = [.. g.Tables, orders] };

        var line = new TableDef { Name = LineItem };
        line = line with { Columns = [.. line.Columns, new ColumnDef { Name = "OrderNo", Type = SqlType.Of(TypeKind.Integer), Nullable = false }] };
        line = line with { Columns = [.. line.Columns, new ColumnDef { Name = "LineNo", Type = SqlType.Of(TypeKind.SmallInt), Nullable = false }] };
        line = line with { Columns = [.. line.Columns, new ColumnDef { Name = "ParentLine", Type = SqlType.Of(TypeKind.SmallInt) }] };
        line = line with { Columns = [.. line.Columns, new ColumnDef { Name = "sku", Type = new SqlType { Kind = TypeKind.Varchar, Length = 20 } }] };
        line = line with { PrimaryKey = new KeyConstraint { Name = "LineItem_pkey", Columns = ["OrderNo", "LineNo"] } };
        line = line with
        {
            ForeignKeys = [.. line.ForeignKeys, new ForeignKey
        {
            Name = "line_parent_fk",
            Columns = ["OrderNo", "ParentLine"],
            RefTable = LineItem,
            RefColumns = ["OrderNo", "LineNo"],
            Deferrable = true,
            InitiallyDeferred = true,
        }]
        };
        line = line with
        {
            ForeignKeys = [.. line.ForeignKeys, new ForeignKey
        {
            Columns = ["OrderNo"],
            RefTable = Orders,
            RefColumns = ["order_no"],
            OnDelete = ReferentialAction.Cascade,
        }]
        };
        g = g with { Tables = [.. g.Tables, line] };

        // The 2025 partition comes before its parent in graph order: the writer must still create the parent first.
        g = g with { Tables = [.. g.Tables, Partition("events_2025")] };
        var events = EventColumns(new TableDef { Name = Events });
        events = events with { Partitioning = new PartitionSpec { Strategy = "range", Columns = ["created_on"] } };
        events = events with
        {
            Partitioning = events.Partitioning! with
            {
                Partitions = [.. events.Partitioning!.Partitions, new PartitionBound
        {
            Table = new("public", "events_2024"),
            Bound = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        }]
            }
        };
        events = events with
        {
            Partitioning = events.Partitioning! with
            {
                Partitions = [.. events.Partitioning!.Partitions, new PartitionBound
        {
            Table = new("public", "events_2025"),
            Bound = "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
        }]
            }
        };
        events = events with { ForeignKeys = [.. events.ForeignKeys, new ForeignKey { Name = "events_customer_fk", Columns = ["customer_id"], RefTable = Customer, RefColumns = ["id"] }] };
        g = g with { Tables = [.. g.Tables, events] };
        g = g with { Tables = [.. g.Tables, Partition("events_2024")] };

        g = g with
        {
            Indexes = [.. g.Indexes, new IndexDef
        {
            Name = "events_payload_idx",
            Table = Events,
            Sql = "CREATE INDEX events_payload_idx ON public.events USING gin (payload);",
        }]
        };
        // The index behind the customer primary key: the constraint creates it.
        g = g with
        {
            Indexes = [.. g.Indexes, new IndexDef
        {
            Name = "customer_pkey",
            Table = Customer,
            Sql = "CREATE UNIQUE INDEX customer_pkey ON public.customer USING btree (id)",
            Unique = true,
        }]
        };
        return g;
    }

    private static TableDef EventColumns(TableDef t)
    {
        t = t with { Columns = [.. t.Columns, new ColumnDef { Name = "id", Type = SqlType.Of(TypeKind.BigInt), Nullable = false }] };
        t = t with { Columns = [.. t.Columns, new ColumnDef { Name = "created_on", Type = SqlType.Of(TypeKind.Date), Nullable = false }] };
        t = t with { Columns = [.. t.Columns, new ColumnDef { Name = "customer_id", Type = SqlType.Of(TypeKind.BigInt) }] };
        t = t with { Columns = [.. t.Columns, new ColumnDef { Name = "payload", Type = SqlType.Of(TypeKind.Jsonb) }] };
        t = t with { PrimaryKey = new KeyConstraint { Columns = ["id", "created_on"] } };
        return t;
    }

    // A partition as an introspected graph shows it: the parent's columns, PK and FK repeated (PostgreSQL made them).
    private static TableDef Partition(string name)
    {
        var p = EventColumns(new TableDef { Name = new("public", name), PartitionOf = Events });
        p = p with { PrimaryKey = p.PrimaryKey! with { Name = name + "_pkey" } };
        p = p with { ForeignKeys = [.. p.ForeignKeys, new ForeignKey { Name = "events_customer_fk", Columns = ["customer_id"], RefTable = Customer, RefColumns = ["id"] }] };
        return p;
    }
}
