-- A small web shop: our own example schema for PluRelSql (demo, docs and tests).
-- Exercises enums, a domain with a CHECK, identity and serial keys, a self-referencing FK,
-- a composite primary key made of two FKs, UNIQUE, CHECKs and a partitioned table.

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');

CREATE DOMAIN price AS numeric(10,2) CHECK (VALUE >= 0);

CREATE TABLE category (
    category_id   serial PRIMARY KEY,
    name          varchar(60) NOT NULL UNIQUE,
    parent_id     integer REFERENCES category (category_id)
);

CREATE TABLE customer (
    customer_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         varchar(120) NOT NULL UNIQUE,
    first_name    varchar(40) NOT NULL,
    last_name     varchar(40) NOT NULL,
    country       char(2) NOT NULL,
    birth_date    date,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_email_check CHECK (length(email) > 3)
);

CREATE TABLE product (
    product_id    serial PRIMARY KEY,
    category_id   integer NOT NULL REFERENCES category,
    sku           varchar(20) NOT NULL UNIQUE,
    title         text NOT NULL,
    list_price    price NOT NULL,
    weight_kg     real CHECK (weight_kg > 0),
    active        boolean NOT NULL DEFAULT true,
    tags          text[]
);

CREATE TABLE "order" (
    order_id      bigserial PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES customer ON DELETE CASCADE,
    status        order_status NOT NULL DEFAULT 'pending',
    ordered_at    timestamp NOT NULL,
    shipped_at    timestamp,
    ship_to_ip    inet,
    CHECK (shipped_at IS NULL OR shipped_at >= ordered_at)
);

CREATE TABLE order_item (
    order_id      bigint NOT NULL REFERENCES "order" ON DELETE CASCADE,
    product_id    integer NOT NULL REFERENCES product,
    quantity      smallint NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    unit_price    price NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE page_view (
    viewed_at     timestamptz NOT NULL,
    customer_id   bigint REFERENCES customer,
    product_id    integer NOT NULL REFERENCES product,
    session_id    uuid NOT NULL,
    referrer      text
) PARTITION BY RANGE (viewed_at);

CREATE TABLE page_view_2024 PARTITION OF page_view FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE page_view_2025 PARTITION OF page_view FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE INDEX page_view_product_idx ON page_view (product_id);
