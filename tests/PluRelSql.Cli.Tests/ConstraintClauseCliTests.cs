using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>populate --create creates EXCLUDE, UNIQUE NULLS NOT DISTINCT, INCLUDE, DEFERRABLE, MATCH FULL and
/// CHECK … NO INHERIT exactly as written, and the server accepts the generated rows under all of them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConstraintClauseCliTests(ClusterFixture pg)
{
    private const string Ddl = """
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE TABLE room (id int PRIMARY KEY, code text UNIQUE NULLS NOT DISTINCT, floor smallint NOT NULL CHECK (floor BETWEEN 1 AND 9));
        CREATE TABLE booking (
            id int PRIMARY KEY,
            room_id int NOT NULL REFERENCES room,
            slot smallint NOT NULL CHECK (slot BETWEEN 1 AND 40),
            during tsrange,
            note text,
            qty int CHECK (qty > 0) NO INHERIT,
            CONSTRAINT booking_u UNIQUE (slot, room_id, id) INCLUDE (note) DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&),
            CONSTRAINT one_per_slot EXCLUDE USING gist (room_id WITH =, slot WITH =)
        );
        CREATE TABLE pair (a int, b int, PRIMARY KEY (a, b));
        CREATE TABLE link (id int PRIMARY KEY, a int, b int,
            CONSTRAINT link_pair FOREIGN KEY (a, b) REFERENCES pair MATCH FULL DEFERRABLE);
        CREATE TABLE floor_rule (f smallint NOT NULL, CONSTRAINT one_floor EXCLUDE USING btree (f WITH =));
        """;

    [Fact]
    public async Task Every_clause_is_created_as_written_and_the_rows_satisfy_it()
    {
        var file = Path.Combine(Path.GetTempPath(), $"plurel-clauses-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(file, Ddl);
        const string db = "constraint_clauses";
        try
        {
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            // 400 bookings over 40 slots: without the exclusion kept as a key, (room_id, slot) pairs would repeat.
            var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", file,
                "--rows", "400", "--rows", "room=20", "--rows", "floor_rule=9");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.DoesNotContain("exclude", run.StdErr, StringComparison.OrdinalIgnoreCase);

            async Task<string> Def(string table, string constraint) => await pg.Scalar<string>(db,
                $"SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'public.{table}'::regclass AND conname = '{constraint}'");
            Assert.Equal("UNIQUE NULLS NOT DISTINCT (code)", await Def("room", "room_code_key"));
            Assert.Equal("UNIQUE (slot, room_id, id) INCLUDE (note) DEFERRABLE INITIALLY DEFERRED", await Def("booking", "booking_u"));
            Assert.Equal("EXCLUDE USING gist (room_id WITH =, during WITH &&)", await Def("booking", "no_overlap"));
            Assert.Equal("EXCLUDE USING gist (room_id WITH =, slot WITH =)", await Def("booking", "one_per_slot"));
            Assert.Equal("CHECK ((qty > 0)) NO INHERIT", await Def("booking", "booking_qty_check"));
            Assert.Equal("FOREIGN KEY (a, b) REFERENCES pair(a, b) MATCH FULL DEFERRABLE", await Def("link", "link_pair"));
            Assert.Equal("EXCLUDE USING btree (f WITH =)", await Def("floor_rule", "one_floor"));
            // pg_index agrees: the INCLUDE column is stored, NULLS NOT DISTINCT is set.
            Assert.Equal(1L, await pg.Scalar<long>(db,
                "SELECT count(*) FROM pg_index i JOIN pg_constraint c ON c.conindid = i.indexrelid " +
                "WHERE c.conname = 'booking_u' AND i.indnkeyatts = 3 AND i.indnatts = 4"));
            Assert.True(await pg.Scalar<bool>(db,
                "SELECT i.indnullsnotdistinct FROM pg_index i JOIN pg_constraint c ON c.conindid = i.indexrelid WHERE c.conname = 'room_code_key'"));

            // The load succeeded with every row the plan asked for.
            Assert.Equal(400L, await pg.Scalar<long>(db, "SELECT count(*) FROM booking"));
            Assert.Equal(400L, await pg.Scalar<long>(db, "SELECT count(*) FROM link"));
            Assert.Equal(9L, await pg.Scalar<long>(db, "SELECT count(DISTINCT f) FROM floor_rule"));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM link WHERE (a IS NULL) <> (b IS NULL)"));
        }
        finally
        {
            File.Delete(file);
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        }
    }
}
