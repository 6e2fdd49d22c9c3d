namespace PluRelSql.Schema.Postgres;

/// <summary>What a script statement is to a run that executes the script on a server.</summary>
public enum ScriptStatementKind
{
    /// <summary>Shapes the database (tables, types, functions, triggers, views, SET …): executed.</summary>
    Schema,
    /// <summary>INSERT, COPY, UPDATE …: not executed, the rows are generated instead.</summary>
    Data,
    /// <summary>CREATE/DROP/ALTER DATABASE, CONNECT: not executed, the run has its own database.</summary>
    Database,
}

/// <summary>One statement of a psql script as psql would send it: its text (psql variables substituted), where it
/// starts, and whether a run that executes the script sends it.</summary>
public sealed record ScriptStatement(string Sql, SourcePosition Position, ScriptStatementKind Kind)
{
    /// <summary>The position of 1-based character <paramref name="offset"/> of <see cref="Sql"/> (a server error's position).</summary>
    public SourcePosition At(int offset)
    {
        int line = Position.Line, col = Position.Column;
        for (int i = 0; i < Math.Min(offset - 1, Sql.Length); i++)
        {
            if (Sql[i] == '\n') { line++; col = 1; }
            else col++;
        }
        return Position with { Line = line, Column = col };
    }
}

/// <summary>Splits PostgreSQL script files into statements with the same lexer (and psql session: <c>\i</c>, <c>\set</c>
/// and <c>:variables</c>, <c>\copy</c> and COPY data skipped) the offline reader uses, so a server that runs the
/// statements sees exactly what the reader read.</summary>
public static class PgScript
{
    public static IReadOnlyList<ScriptStatement> Statements(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var list = new List<ScriptStatement>();
        PsqlSession? psql = null;
        var including = new List<string>();
        PgLexer? current = null;

        void ReadFile(string path)
        {
            var lexer = new PgLexer(PgDdlReader.ReadFileText(path), path, null, psql, strictUtf8: true)
            {
                BackslashInStrings = current?.BackslashInStrings ?? false,
            };
            var outer = current;
            current = lexer;
            including.Add(Path.GetFullPath(path));
            try
            {
                while (lexer.NextStatement() is { } st)
                {
                    var first = st.Tokens[0];
                    var text = st.Source[first.Start..st.Terminator.Start];
                    list.Add(new ScriptStatement(text, lexer.Pos(first.Line, first.Col), Classify(st)));
                    if (first.IsWord("set")) PgSchemaBuilder.StandardConformingStrings(st, lexer);
                }
            }
            finally
            {
                including.RemoveAt(including.Count - 1);
                current = outer;
            }
            if (outer is not null) outer.BackslashInStrings = lexer.BackslashInStrings;
        }

        psql = new PsqlSession
        {
            // \i and \ir as the reader follows them (see PgSchemaBuilder.IncludeFile); the reader has already
            // refused cycles and missing files with their positions.
            Include = (name, relative, at) =>
            {
                var dir = Path.GetDirectoryName(at.File);
                var path = Path.IsPathRooted(name) || string.IsNullOrEmpty(dir) ? name : Path.Combine(dir, name);
                if (!relative && !File.Exists(path) && File.Exists(name)) path = name;
                if (including.Contains(Path.GetFullPath(path)) || !File.Exists(path))
                    throw new SchemaException($"\\i {name}: cannot include {path}", at);
                ReadFile(path);
            },
            Skipped = (_, _, _) => { },
        };
        foreach (var path in paths) ReadFile(path);
        return list;
    }

    private static ScriptStatementKind Classify(Statement st)
    {
        var t = st.Tokens;
        if (t[0].Kind != TokKind.Word) return ScriptStatementKind.Schema;
        if (t[0].Text is "insert" or "update" or "delete" or "copy" or "truncate" or "merge") return ScriptStatementKind.Data;
        if (t[0].Text == "connect") return ScriptStatementKind.Database;
        if (t[0].Text is "create" or "drop" or "alter" && t.Count > 1 && t[1].IsWord("database")) return ScriptStatementKind.Database;
        return ScriptStatementKind.Schema;
    }
}
