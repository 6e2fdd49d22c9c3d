namespace PluRelSql.Storage.Tests;

/// <summary>Hand-written DDL used by the introspection and loader tests: every kind the introspector handles.</summary>
internal static class TestSchema
{
    public const string Shop = """
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE DOMAIN positive_amount AS numeric(10,2) NOT NULL CHECK (VALUE > 0) DEFAULT 1;
        CREATE DOMAIN short_code AS varchar(8) CHECK (char_length(VALUE) >= 2);
        CREATE SEQUENCE order_no_seq START 100 INCREMENT 5;

        CREATE TABLE customer (
            customer_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            email varchar(120) NOT NULL UNIQUE,
            mood mood NOT NULL DEFAULT 'ok',
            code short_code,
            ip inet,
            created_at timestamptz NOT NULL DEFAULT now(),
            tags text[],
            referred_by integer REFERENCES customer (customer_id) ON DELETE SET NULL
        );

        CREATE TABLE product (
            product_id serial PRIMARY KEY,
            sku uuid NOT NULL,
            name text NOT NULL,
            price positive_amount,
            weight_g integer CHECK (weight_g BETWEEN 1 AND 100000),
            attrs jsonb,
            picture bytea,
            CONSTRAINT product_name_len CHECK (length(name) > 0)
        );

        CREATE TABLE order_line (
            order_no integer NOT NULL DEFAULT nextval('order_no_seq'),
            line_no smallint NOT NULL,
            customer_id integer NOT NULL,
            product_id integer NOT NULL REFERENCES product ON UPDATE CASCADE,
            qty integer NOT NULL CHECK (qty > 0),
            unit_price numeric(10,2) NOT NULL,
            total numeric(12,2) GENERATED ALWAYS AS (qty * unit_price) STORED,
            PRIMARY KEY (order_no, line_no),
            CONSTRAINT order_line_customer_fk FOREIGN KEY (customer_id) REFERENCES customer (customer_id)
                DEFERRABLE INITIALLY DEFERRED
        );
        CREATE INDEX order_line_product_idx ON order_line (product_id, qty DESC);

        CREATE TABLE measurement (
            city_id integer NOT NULL,
            logdate date NOT NULL,
            peak real,
            CHECK (peak > -100)
        ) PARTITION BY RANGE (logdate);
        CREATE TABLE measurement_2024 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE measurement_2025 PARTITION OF measurement FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE INDEX measurement_city_idx ON measurement (city_id);

        CREATE TABLE region_sales (region text NOT NULL, amount bigint) PARTITION BY LIST (region);
        CREATE TABLE region_sales_eu PARTITION OF region_sales FOR VALUES IN ('de', 'fr', 'it''s');
        CREATE TABLE region_sales_rest PARTITION OF region_sales DEFAULT;
        """;

    /// <summary>A column per type, for the format_type cross-check.</summary>
    public const string ManyTypes = """
        CREATE SCHEMA other;
        CREATE TYPE other.color AS ENUM ('red', 'green');
        CREATE DOMAIN other.percent AS smallint CHECK (VALUE BETWEEN 0 AND 100);
        CREATE TABLE other.all_types (
            c_smallint smallint, c_int integer, c_bigint bigint,
            c_numeric numeric, c_numeric_p numeric(7), c_numeric_ps numeric(12,4), c_numeric_neg numeric(5,-2),
            c_real real, c_double double precision, c_money money, c_bool boolean,
            c_text text, c_varchar varchar, c_varchar_n varchar(40), c_char char, c_char_n char(3),
            c_date date, c_ts timestamp, c_ts3 timestamp(3), c_tstz timestamptz, c_tstz0 timestamptz(0),
            c_time time, c_time2 time(2), c_timetz timetz, c_interval interval, c_interval3 interval(3),
            c_uuid uuid, c_bytea bytea, c_json json, c_jsonb jsonb, c_xml xml,
            c_inet inet, c_cidr cidr, c_macaddr macaddr,
            c_bit bit, c_bit8 bit(8), c_varbit varbit, c_varbit5 bit varying(5), c_tsvector tsvector,
            c_int_arr integer[], c_text_arr2 text[][], c_varchar_arr varchar(10)[], c_numeric_arr numeric(6,2)[],
            c_enum other.color, c_enum_arr other.color[], c_domain other.percent,
            c_point point, c_oid oid
        );
        """;
}

/// <summary>The loader's test schema, split the way a load that creates tables runs it: objects without keys first,
/// keys / checks / foreign keys / indexes after the data.</summary>
internal static class LoadSchema
{
    public const string Pre = """
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE DOMAIN positive_amount AS numeric(10,2) NOT NULL CHECK (VALUE > 0);
        CREATE TABLE customer (
            customer_id integer GENERATED ALWAYS AS IDENTITY,
            email varchar(120) NOT NULL,
            mood mood NOT NULL,
            moods mood[],
            ip inet, net cidr, mac macaddr,
            created_at timestamptz NOT NULL,
            tags text[],
            scores integer[],
            profile jsonb, raw json,
            referred_by integer
        );
        CREATE TABLE product (
            product_id serial,
            sku uuid NOT NULL,
            name text NOT NULL,
            price positive_amount,
            flags bit(4), search tsvector, doc xml,
            picture bytea,
            born date, opens time, span interval, local_ts timestamp,
            code char(3), ratio double precision, weight real, small smallint, fee money
        );
        CREATE TABLE measurement (city_id integer NOT NULL, logdate date NOT NULL, peak real)
            PARTITION BY RANGE (logdate);
        CREATE TABLE measurement_2024 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE measurement_2025 PARTITION OF measurement FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE order_line (
            order_no bigint GENERATED BY DEFAULT AS IDENTITY,
            customer_id integer NOT NULL,
            product_id integer NOT NULL,
            qty integer NOT NULL,
            unit_price numeric(10,2) NOT NULL,
            total numeric(12,2) GENERATED ALWAYS AS (qty * unit_price) STORED
        );
        """;

    public static readonly string[] Post =
    [
        "ALTER TABLE customer ADD PRIMARY KEY (customer_id), ADD UNIQUE (email)",
        "ALTER TABLE customer ADD FOREIGN KEY (referred_by) REFERENCES customer ON DELETE SET NULL",
        "ALTER TABLE product ADD PRIMARY KEY (product_id)",
        "ALTER TABLE measurement ADD CONSTRAINT measurement_peak_check CHECK (peak > -100)",
        "ALTER TABLE order_line ADD PRIMARY KEY (order_no), ADD CONSTRAINT order_line_qty_check CHECK (qty > 0)",
        "ALTER TABLE order_line ADD CONSTRAINT order_line_customer_fk FOREIGN KEY (customer_id) REFERENCES customer",
        "ALTER TABLE order_line ADD CONSTRAINT order_line_product_fk FOREIGN KEY (product_id) REFERENCES product",
        "CREATE INDEX order_line_product_idx ON order_line (product_id)",
    ];

    public static string Full => Pre + ";\n" + string.Join(";\n", Post) + ";";
}
