-- Benchmark schema: four tables, about 3.2 million rows at the default bench sizes
-- (see scripts/bench.sh). Narrow rows, like pgbench_accounts, so the comparison with `pgbench -i` is fair.
CREATE TABLE branch (
    branch_id  integer PRIMARY KEY,
    name       varchar(40) NOT NULL,
    balance    integer NOT NULL
);

CREATE TABLE teller (
    teller_id  integer PRIMARY KEY,
    branch_id  integer NOT NULL REFERENCES branch,
    balance    integer NOT NULL
);

CREATE TABLE account (
    account_id integer PRIMARY KEY,
    branch_id  integer NOT NULL REFERENCES branch,
    balance    integer NOT NULL,
    opened_on  date NOT NULL
);

CREATE TABLE transfer (
    transfer_id bigint PRIMARY KEY,
    account_id  integer NOT NULL REFERENCES account,
    teller_id   integer NOT NULL REFERENCES teller,
    amount      numeric(12,2) NOT NULL CHECK (amount > 0),
    booked_at   timestamp NOT NULL
);
