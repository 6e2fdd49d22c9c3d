using System.Globalization;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace PluRelSql.Schema.TSql;

/// <summary>What install scripts decide at run time, modelled for a fresh database: variables set from literals,
/// IF conditions over them and over existence checks (<c>OBJECT_ID(…)</c>, <c>EXISTS (SELECT … FROM sys.…)</c>,
/// EF Core's <c>__EFMigrationsHistory</c>) answered from what the script created so far, and dynamic SQL given as a
/// literal. A condition that cannot be decided takes the THEN branch (what a fresh install runs) with a note.</summary>
internal sealed partial class TSqlSchemaBuilder
{
    /// <summary>A value the reader cannot know (a variable read from a catalog query, @@ROWCOUNT…).</summary>
    private static readonly object Undecided = new();

    private enum Truth { False, True, Null, Unknown }

    private Dictionary<string, object?> _vars = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Views, procedures, functions and triggers the script created (skipped, but OBJECT_ID finds them).</summary>
    private readonly HashSet<string> _otherObjects = [];
    private readonly HashSet<string> _schemas = new(StringComparer.OrdinalIgnoreCase) { "dbo", "sys", "guest", "INFORMATION_SCHEMA" };
    /// <summary>Inside a branch taken without deciding its condition: a missing object there is noted, not an error.</summary>
    private int _undecided;
    /// <summary>A RETURN was reached: the rest of the batch does not run.</summary>
    private bool _returned;

    private void StartBatch()
    {
        _vars = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        _returned = false;
    }

    private void If(IfStatement ifs)
    {
        Count(TSqlNoticeKind.SkippedStatements,
            "IF (decided for a fresh database from the script's variables and the objects it created so far)", ifs);
        var truth = Condition(ifs.Predicate);
        if (truth == Truth.Unknown)
        {
            Count(TSqlNoticeKind.SkippedStatements,
                "IF whose condition cannot be decided from the script (the THEN branch is read, as a fresh install would take it)", ifs);
            _undecided++;
            try { Statement(ifs.ThenStatement); }
            finally { _undecided--; }
            return;
        }
        Statement(truth == Truth.True ? ifs.ThenStatement : ifs.ElseStatement);
    }

    private void Declare(DeclareVariableStatement declare)
    {
        foreach (var d in declare.Declarations)
            _vars[d.VariableName.Value] = d.Value is null ? null : Value(d.Value);
    }

    private void SetVariable(SetVariableStatement set)
    {
        if (set.Variable is null) return;
        _vars[set.Variable.Name] = set.AssignmentKind == AssignmentKind.Equals && set.Expression is not null && set.CursorDefinition is null
            ? Value(set.Expression) : Undecided;
    }

    /// <summary><c>SELECT @v = …</c>: without FROM, the values; FROM a table the script created, nothing (a fresh
    /// table is empty, so the variables keep their values); otherwise unknown.</summary>
    private bool SelectIntoVariables(SelectStatement select)
    {
        if (select.QueryExpression is not QuerySpecification query ||
            !query.SelectElements.All(e => e is SelectSetVariable)) return false;
        var from = query.FromClause?.TableReferences;
        var fresh = from is [NamedTableReference named] && _tables.ContainsKey(TSqlNames.Key(TSqlNames.Of(named.SchemaObject)));
        foreach (SelectSetVariable v in query.SelectElements)
        {
            if (fresh) continue;
            _vars[v.Variable.Name] = from is null && v.AssignmentKind == AssignmentKind.Equals ? Value(v.Expression) : Undecided;
        }
        if (fresh)
            Count(TSqlNoticeKind.SkippedStatements,
                "SELECT @variable = … FROM a table the script created (empty in a fresh database: the variable keeps its value)", select);
        return true;
    }

    private Truth Condition(BooleanExpression e)
    {
        switch (e)
        {
            case BooleanParenthesisExpression p:
                return Condition(p.Expression);
            case BooleanNotExpression n:
                return Condition(n.Expression) switch { Truth.True => Truth.False, Truth.False => Truth.True, var t => t };
            case BooleanBinaryExpression b:
            {
                var l = Condition(b.FirstExpression);
                var r = Condition(b.SecondExpression);
                if (b.BinaryExpressionType == BooleanBinaryExpressionType.And)
                {
                    if (l == Truth.False || r == Truth.False) return Truth.False;
                    if (l == Truth.Unknown || r == Truth.Unknown) return Truth.Unknown;
                    return l == Truth.True && r == Truth.True ? Truth.True : Truth.Null;
                }
                if (l == Truth.True || r == Truth.True) return Truth.True;
                if (l == Truth.Unknown || r == Truth.Unknown) return Truth.Unknown;
                return l == Truth.False && r == Truth.False ? Truth.False : Truth.Null;
            }
            case BooleanIsNullExpression isNull:
            {
                var v = Value(isNull.Expression);
                if (v == Undecided) return Truth.Unknown;
                return (v is null) != isNull.IsNot ? Truth.True : Truth.False;
            }
            case BooleanComparisonExpression cmp:
            {
                var l = Value(cmp.FirstExpression);
                var r = Value(cmp.SecondExpression);
                if (l == Undecided || r == Undecided) return Truth.Unknown;
                if (l is null || r is null) return Truth.Null;
                int? order = (l, r) switch
                {
                    (decimal a, decimal b) => a.CompareTo(b),
                    (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
                    _ => null,
                };
                if (order is not { } o) return Truth.Unknown;
                bool result = cmp.ComparisonType switch
                {
                    BooleanComparisonType.Equals => o == 0,
                    BooleanComparisonType.NotEqualToBrackets or BooleanComparisonType.NotEqualToExclamation => o != 0,
                    BooleanComparisonType.LessThan or BooleanComparisonType.NotGreaterThan => cmp.ComparisonType == BooleanComparisonType.LessThan ? o < 0 : o <= 0,
                    BooleanComparisonType.GreaterThan or BooleanComparisonType.NotLessThan => cmp.ComparisonType == BooleanComparisonType.GreaterThan ? o > 0 : o >= 0,
                    BooleanComparisonType.LessThanOrEqualTo => o <= 0,
                    BooleanComparisonType.GreaterThanOrEqualTo => o >= 0,
                    _ => false,
                };
                return result ? Truth.True : Truth.False;
            }
            case ExistsPredicate exists:
                return Exists(exists.Subquery.QueryExpression);
            default:
                return Truth.Unknown;
        }
    }

    /// <summary>A literal, a variable, OBJECT_ID/SCHEMA_ID of a name, or sums of these; numbers as decimal.</summary>
    private object? Value(ScalarExpression e)
    {
        switch (e)
        {
            case ParenthesisExpression p:
                return Value(p.Expression);
            case NullLiteral:
                return null;
            case IntegerLiteral or NumericLiteral when decimal.TryParse(((Literal)e).Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                return d;
            case StringLiteral s:
                return s.Value;
            case UnaryExpression { UnaryExpressionType: UnaryExpressionType.Negative } u:
                return Value(u.Expression) is decimal n ? -n : Undecided;
            case VariableReference v:
                return _vars.TryGetValue(v.Name, out var value) ? value : Undecided;
            case CastCall cast:
                return Value(cast.Parameter);
            case ConvertCall convert:
                return Value(convert.Parameter);
            case BinaryExpression { BinaryExpressionType: BinaryExpressionType.Add or BinaryExpressionType.Subtract } b:
            {
                var l = Value(b.FirstExpression);
                var r = Value(b.SecondExpression);
                if (l == Undecided || r == Undecided) return Undecided;
                if (l is null || r is null) return null;
                return (l, r, b.BinaryExpressionType) switch
                {
                    (decimal x, decimal y, BinaryExpressionType.Add) => x + y,
                    (decimal x, decimal y, _) => x - y,
                    (string x, string y, BinaryExpressionType.Add) => x + y,
                    _ => Undecided,
                };
            }
            case FunctionCall { FunctionName.Value: var f, Parameters: [var arg, ..] } call
                when f.Equals("OBJECT_ID", StringComparison.OrdinalIgnoreCase) || f.Equals("SCHEMA_ID", StringComparison.OrdinalIgnoreCase):
            {
                if (Value(arg) is not string name) return Undecided;
                var isSchema = f.Equals("SCHEMA_ID", StringComparison.OrdinalIgnoreCase);
                if (!isSchema && call.Parameters.Count > 1 && Value(call.Parameters[1]) is not string) return Undecided;
                return (isSchema ? _schemas.Contains(Unquote(name)) || SchemaUsed(Unquote(name)) : ObjectExists(ParseName(name))) ? 1m : null;
            }
            default:
                return Undecided;
        }
    }

    /// <summary><c>EXISTS (SELECT … FROM t WHERE …)</c>: a table the script created is empty; a catalog view
    /// (<c>sys.*</c>, <c>INFORMATION_SCHEMA.*</c>) is asked about what the script created, from the equalities of
    /// its WHERE (name, table, column, schema, <c>object_id = OBJECT_ID(…)</c>).</summary>
    private Truth Exists(QueryExpression q)
    {
        if (q is not QuerySpecification { FromClause.TableReferences: [NamedTableReference from] } spec) return Truth.Unknown;
        var table = TSqlNames.Of(from.SchemaObject);
        if (_tables.ContainsKey(TSqlNames.Key(table))) return Truth.False;
        var schema = from.SchemaObject.SchemaIdentifier?.Value;
        if (schema is null || !(schema.Equals("sys", StringComparison.OrdinalIgnoreCase) || schema.Equals("INFORMATION_SCHEMA", StringComparison.OrdinalIgnoreCase)))
            return Truth.Unknown;
        var view = table.Name.ToLowerInvariant();
        var eq = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (spec.WhereClause?.SearchCondition is { } where) Equalities(where, eq);
        string? Str(string key) => eq.TryGetValue(key, out var v) && v is string s ? Unquote(s) : null;
        var objectRef = eq.TryGetValue("object_id", out var oid) ? oid : null;
        var parentRef = eq.TryGetValue("parent_object_id", out var pid) ? pid : null;
        // object_id = OBJECT_ID('x') already evaluated: null means no such object, so no row.
        if (eq.ContainsKey("object_id") && objectRef is null) return Truth.False;
        if (eq.ContainsKey("parent_object_id") && parentRef is null) return Truth.False;
        var name = Str("name");
        switch (view)
        {
            case "schemas":
                return name is null ? Truth.Unknown : Known(_schemas.Contains(name) || SchemaUsed(name));
            case "columns":
            {
                var column = Str("column_name") ?? name;
                var tableName = Str("table_name");
                var tableSchema = Str("table_schema");
                if (eq.TryGetValue("object_id#ref", out var referenced) && referenced is string r)
                    (tableSchema, tableName) = (ParseName(r).Schema, ParseName(r).Name);
                if (column is null) return Truth.Unknown;
                if (tableName is null) return Truth.Unknown;
                var candidates = _graph.Tables.Where(t =>
                    (tableName is null || t.Name.Name.Equals(tableName, StringComparison.OrdinalIgnoreCase)) &&
                    (tableSchema is null || t.Name.Schema.Equals(tableSchema, StringComparison.OrdinalIgnoreCase)));
                return Known(candidates.Any(t => FindColumn(t, column) is not null));
            }
            case "indexes":
                return name is null ? Truth.Unknown
                    : Known(_graph.Indexes.Any(i => i.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) ||
                            _graph.Tables.Any(t => ConstraintNamed(t, name)));
            case "tables" or "objects" or "all_objects" or "views" or "procedures" or "foreign_keys" or "key_constraints"
                or "check_constraints" or "default_constraints" or "sequences" or "triggers" or "table_constraints" or "routines":
            {
                var objectName = Str("table_name") ?? Str("routine_name") ?? Str("constraint_name") ?? Str("sequence_name") ?? name;
                if (objectName is null) return eq.ContainsKey("object_id") ? Truth.True : Truth.Unknown;
                var inSchema = Str("table_schema") ?? Str("routine_schema") ?? Str("constraint_schema") ?? Str("sequence_schema");
                var schemas = inSchema is not null ? [inSchema] : _graph.Tables.Select(t => t.Name.Schema).Append(TSqlNames.DefaultSchema).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                return Known(schemas.Any(s => ObjectExists(new QualifiedName(s, objectName))));
            }
            default:
                // Databases, logins, files…: nothing a fresh database's script decides.
                return Truth.Unknown;
        }
    }

    private static Truth Known(bool b) => b ? Truth.True : Truth.False;

    /// <summary>The <c>column = value</c> terms of an AND chain whose value is decidable; others are left out,
    /// which can only widen the answer.</summary>
    private void Equalities(BooleanExpression e, Dictionary<string, object?> found)
    {
        switch (e)
        {
            case BooleanParenthesisExpression p:
                Equalities(p.Expression, found);
                return;
            case BooleanBinaryExpression { BinaryExpressionType: BooleanBinaryExpressionType.And } and:
                Equalities(and.FirstExpression, found);
                Equalities(and.SecondExpression, found);
                return;
            case BooleanComparisonExpression { ComparisonType: BooleanComparisonType.Equals } cmp:
                var (column, other) = cmp.FirstExpression is ColumnReferenceExpression c1 ? (c1, cmp.SecondExpression)
                    : cmp.SecondExpression is ColumnReferenceExpression c2 ? (c2, cmp.FirstExpression) : (null, null);
                if (column?.MultiPartIdentifier is null || other is null) return;
                var value = Value(other);
                var key = column.MultiPartIdentifier.Identifiers[^1].Value;
                if (value != Undecided) found[key] = value;
                if (other is FunctionCall { Parameters: [var arg, ..] } && Value(arg) is string referenced) found[key + "#ref"] = referenced;
                return;
        }
    }

    private bool SchemaUsed(string schema) =>
        _graph.Tables.Any(t => t.Name.Schema.Equals(schema, StringComparison.OrdinalIgnoreCase));

    private bool ObjectExists(QualifiedName name)
    {
        if (_tables.ContainsKey(TSqlNames.Key(name)) || _otherObjects.Contains(TSqlNames.Key(name)) ||
            _sequences.ContainsKey(TSqlNames.Key(name))) return true;
        return _graph.Tables.Any(t => t.Name.Schema.Equals(name.Schema, StringComparison.OrdinalIgnoreCase) && ConstraintNamed(t, name.Name));
    }

    private bool ConstraintNamed(TableDraft t, string name)
    {
        bool Named(string? n) => n is not null && n.Equals(name, StringComparison.OrdinalIgnoreCase);
        return Named(t.PrimaryKey?.Name) || t.Uniques.Any(k => Named(k.Name)) || t.Checks.Any(k => Named(k.Name)) ||
               t.ForeignKeys.Any(k => Named(k.Name)) || _defaultNames.ContainsKey((t, name.ToUpperInvariant()));
    }

    /// <summary>"[dbo].[t]", "dbo.t", "t" (a database part is ignored) → a qualified name.</summary>
    private static QualifiedName ParseName(string text)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '[' or '"')
            {
                char close = c == '[' ? ']' : '"';
                for (i++; i < text.Length; i++)
                {
                    if (text[i] == close)
                    {
                        if (i + 1 < text.Length && text[i + 1] == close) { current.Append(close); i++; }
                        else break;
                    }
                    else current.Append(text[i]);
                }
            }
            else if (c == '.') { parts.Add(current.ToString()); current.Clear(); }
            else if (!char.IsWhiteSpace(c)) current.Append(c);
        }
        parts.Add(current.ToString());
        return new QualifiedName(parts.Count > 1 && parts[^2].Length > 0 ? parts[^2] : TSqlNames.DefaultSchema, parts[^1]);
    }

    private static string Unquote(string name) => ParseName(name).Name;

    /// <summary><c>EXEC (N'…')</c> and <c>EXEC sp_executesql N'…'</c> with literal text: that text is read as T-SQL,
    /// in a scope of its own; text built at run time is skipped with a note.</summary>
    private bool DynamicSql(ExecuteStatement exec)
    {
        IReadOnlyList<StringLiteral>? literals = null;
        switch (exec.ExecuteSpecification?.ExecutableEntity)
        {
            case ExecutableStringList list:
                if (list.Strings.All(s => s is StringLiteral)) literals = list.Strings.Cast<StringLiteral>().ToList();
                break;
            case ExecutableProcedureReference { ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value: var n } call
                when n.Equals("sp_executesql", StringComparison.OrdinalIgnoreCase):
                if (call.Parameters is [{ ParameterValue: StringLiteral s }, ..]) literals = [s];
                break;
            default:
                return false;
        }
        if (literals is null)
        {
            Count(TSqlNoticeKind.SkippedStatements, "dynamic SQL built at run time (EXEC of a variable or expression): not read", exec);
            return true;
        }
        var (inner, error) = _source.Inner(literals);
        if (inner is null)
        {
            Notice(TSqlNoticeKind.SkippedStatements, $"dynamic SQL does not parse as T-SQL, not read: {error}", exec);
            return true;
        }
        var (outer, vars) = (_source, _vars);
        _source = inner;
        _vars = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var batch in inner.Tree.Batches)
                foreach (var statement in batch.Statements)
                    Statement(statement);
        }
        finally
        {
            (_source, _vars) = (outer, vars);
        }
        return true;
    }
}
