using System.Text;

namespace PluRelSql.Schema;

/// <summary>What a column's values mean, as far as the schema tells (name, type and size, CHECKs and enum labels,
/// comments, the table it lives in). Printed in snake_case (see <see cref="ColumnSemantics.Name"/>). The generator
/// draws values of the kind; <c>plurel profile</c> prints it. Grouped by family; the order carries no meaning.</summary>
public enum SemanticKind
{
    // Keys.
    Id, ForeignKey,
    // A person: parts of one name, and what derives from it (consistent within a row).
    GivenName, FamilyName, FullName, NamePrefix, Gender, Username, Email, Password,
    // Contact.
    Phone, PhoneExtension,
    // An address (consistent within a row).
    StreetAddress, City, Region, PostalCode, Country, CountryCode, Latitude, Longitude,
    // Coded vocabularies (ISO and friends).
    CurrencyCode, LanguageCode, TimeZone, Locale,
    // Business words.
    CompanyName, ProductName, JobTitle, Department, Category, Colour, Code,
    // Internet and files.
    Url, Domain, IpAddress, MacAddress, FilePath, FileName, MimeType, UserAgent, Hash,
    // Text.
    Name, Title, Text, Word, Json,
    // Numbers.
    Price, Quantity, Percentage, Fraction, Rating, Score, Age, Year, Quarter, Month, DayOfMonth, DayOfWeek, Hour,
    Minute, Second, Duration, ByteSize, Weight, Measurement, Version,
    // Time.
    Date, Timestamp, BirthDate, Time,
    // Small closed sets.
    Flag, Enumerated,
    Other,
}

/// <summary>How a duration column counts (<c>milliseconds</c>, <c>duration_sec</c>, <c>runtime_minutes</c>).</summary>
public enum DurationUnit { Unknown, Milliseconds, Seconds, Minutes, Hours, Days }

/// <summary>A column's guessed meaning and what gave it away (<c>name part 'qty'</c>, <c>CHECK IN list</c>,
/// <c>type char(3)</c>, <c>comment "ISO 4217 code"</c>), for <c>plurel profile</c> and generation reports.</summary>
public sealed record ColumnMeaning(SemanticKind Kind, string Evidence)
{
    /// <summary>Set for <see cref="SemanticKind.Duration"/> when the name or comment says the unit.</summary>
    public DurationUnit Unit { get; init; }

    public string KindName => ColumnSemantics.Name(Kind);
}

/// <summary>The column classifier: what a column means from everything the schema says about it. Keys first, then
/// types that say it all (inet, json, boolean, dates), then the name's phrases (abbreviations expanded, qualifiers
/// such as ship_/billing_ ignored, the head word last), refined by type and size and by the table it lives in, then
/// CHECK lists and bounds and enum labels, then the comment, then the type alone. The words live in
/// <see cref="ColumnVocabulary"/>.</summary>
public static class ColumnSemantics
{
    /// <summary>The kind's printed name: snake_case (<c>foreign_key</c>, <c>postal_code</c>).</summary>
    public static string Name(SemanticKind kind)
    {
        var s = kind.ToString();
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (i > 0 && char.IsUpper(s[i])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(s[i]));
        }
        return sb.ToString();
    }

    /// <summary>Splits snake_case, kebab-case, camelCase, PascalCase and digit runs into lower-case parts
    /// (<c>customerEmail</c> → customer, email; <c>HTTPStatus2</c> → http, status, 2).</summary>
    public static IReadOnlyList<string> SplitName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = new List<string>();
        var cur = new StringBuilder();
        void Flush() { if (cur.Length > 0) { parts.Add(cur.ToString().ToLowerInvariant()); cur.Clear(); } }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c)) { Flush(); continue; }
            if (cur.Length > 0)
            {
                var prev = name[i - 1];
                var upperAfterLower = char.IsUpper(c) && (char.IsLower(prev) || char.IsDigit(prev));
                // The last capital of an acronym starts the next word: "HTTPStatus" → HTTP, Status.
                var acronymEnd = char.IsUpper(c) && char.IsUpper(prev) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                var digitEdge = char.IsDigit(c) != char.IsDigit(prev);
                if (upperAfterLower || acronymEnd || digitEdge) Flush();
            }
            cur.Append(c);
        }
        Flush();
        return parts;
    }

    /// <summary>The meaning of <paramref name="column"/> of <paramref name="table"/>, from everything the schema says
    /// about it (the graph, when given, adds foreign keys declared outside the table, enum labels and domains).
    /// A pure function of the schema: the generator and <c>plurel profile</c> call it alike.</summary>
    public static ColumnMeaning Classify(TableDef table, ColumnDef column, SchemaGraph? graph = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(column);
        if ((graph is null ? table.ForeignKeys : graph.ForeignKeysOf(table)).Any(f => f.Columns.Contains(column.Name)))
            return new(SemanticKind.ForeignKey, "foreign key");
        if (table.PrimaryKey?.Columns.Contains(column.Name) == true) return new(SemanticKind.Id, "primary key");
        var type = column.Type;
        if (type.IsArray) return new(SemanticKind.Other, "array type");

        var name = Tokens(column.Name);
        var labels = Labels(table, column, graph, out var labelSource);
        var bounds = Bounds(table, column, graph);

        if (ByType(type, name) is { } typed) return typed;
        var parts = name.Select(t => t.Word).ToList();
        // is_active as smallint / char(1) / bit: a flag stored without a boolean type.
        // The flag word must be the head ("discontinued", "row_deleted"), not a modifier ("active_jobs").
        if (FlagShaped(type) && parts.Count > 0 && ((parts.Count > 1 && ColumnVocabulary.FlagPrefixes.Contains(parts[0])) || ColumnVocabulary.FlagWords.Contains(parts[^1])))
            return new(SemanticKind.Flag, $"name part '{(ColumnVocabulary.FlagWords.Contains(parts[^1]) ? name[^1] : name[0]).Raw}' + type {Spell(type)}");
        if (parts.Count > 0 && ColumnVocabulary.IdParts.Contains(parts[^1]) && (type.IsInteger || IsString(type)))
            return new(SemanticKind.Id, $"name part '{name[^1].Raw}'");
        // num_pages, NumberOfNeutrons: a leading "number" counts.
        if (parts.Count > 1 && parts[0] == "number" && type.IsInteger)
            return new(SemanticKind.Quantity, $"name part '{name[0].Raw}'");

        var meaning = ByName(table, column, name, type);
        // "cur" is a currency only at the width of an ISO 4217 code.
        if (meaning is null && IsString(type) && type.Length == 3 && name.FirstOrDefault(t => t.Word == "cur") is { Raw: { } cur })
            meaning = new(SemanticKind.CurrencyCode, $"type {Spell(type)} + name '{cur}'");
        // A CHECK IN list or an enum type: its labels are the values, unless the name says something the labels fit.
        if (labels is not null)
        {
            if (meaning is not null && LabelsFit(meaning.Kind, labels, type)) return meaning with { Evidence = meaning.Evidence + " + " + labelSource };
            if (labels.Count > 0 && labels.All(l => ColumnVocabulary.FlagLabels.Contains(l.ToLowerInvariant())) && labels.Count <= 2)
                return new(SemanticKind.Flag, labelSource);
            return new(SemanticKind.Enumerated, labelSource);
        }
        if (bounds is { } b && ByBounds(b, type, meaning?.Kind) is { } bounded) return bounded;
        var weak = meaning is null || meaning.Kind is SemanticKind.Code or SemanticKind.Name or SemanticKind.Word;
        if (weak && column.Comment is { Length: > 0 } comment && ByComment(comment, type) is { } commented) return commented;
        if (meaning is not null)
        {
            if (meaning.Kind == SemanticKind.Duration && meaning.Unit == DurationUnit.Unknown && column.Comment is { } c2
                && Tokens(c2).Select(t => ColumnVocabulary.UnitOf(t.Word)).FirstOrDefault(u => u != DurationUnit.Unknown) is var u and not DurationUnit.Unknown)
                return meaning with { Unit = u, Evidence = meaning.Evidence + $" + comment unit" };
            return meaning;
        }
        return ByTypeAlone(type);
    }

    /// <summary>A name part as written and as the vocabulary knows it (qty → quantity).</summary>
    private readonly record struct Token(string Word, string Raw);

    private static List<Token> Tokens(string text)
    {
        var tokens = new List<Token>();
        foreach (var raw in SplitName(text))
        {
            var canon = ColumnVocabulary.Canonical.TryGetValue(raw, out var c) ? c : raw;
            foreach (var w in canon.Split(' ')) tokens.Add(new Token(w, raw));
        }
        return tokens;
    }

    private static ColumnMeaning? ByType(SqlType type, List<Token> name)
    {
        var born = name.Any(t => t.Word is "birth" or "born" or "birthdate");
        switch (type.Kind)
        {
            case TypeKind.Inet or TypeKind.Cidr: return new(SemanticKind.IpAddress, $"type {Spell(type)}");
            case TypeKind.MacAddr: return new(SemanticKind.MacAddress, "type macaddr");
            case TypeKind.Json or TypeKind.Jsonb: return new(SemanticKind.Json, $"type {Spell(type)}");
            case TypeKind.Boolean: return new(SemanticKind.Flag, "type boolean");
            case TypeKind.Bit when type.Length is null or 1: return new(SemanticKind.Flag, "type bit");
            case TypeKind.Uuid: return new(SemanticKind.Id, "type uuid");
            case TypeKind.Time or TypeKind.TimeTz: return new(SemanticKind.Time, $"type {Spell(type)}");
            case TypeKind.Interval: return new(SemanticKind.Duration, "type interval");
            case TypeKind.Date or TypeKind.Timestamp or TypeKind.TimestampTz:
                if (born) return new(SemanticKind.BirthDate, $"type {Spell(type)} + name '{name.First(t => t.Word is "birth" or "born" or "birthdate").Raw}'");
                return type.Kind == TypeKind.Date ? new(SemanticKind.Date, "type date") : new(SemanticKind.Timestamp, $"type {Spell(type)}");
            default: return null;
        }
    }

    private static ColumnMeaning ByTypeAlone(SqlType type)
    {
        if (type.Kind == TypeKind.Money) return new(SemanticKind.Price, "type money");
        if (type.Kind == TypeKind.Enum) return new(SemanticKind.Enumerated, "enum type");
        // Short fixed-width strings are codes (char(2) country, char(3) currency) when the name says nothing.
        if (type.Kind == TypeKind.Char && type.Length is <= 4) return new(SemanticKind.Code, $"type {Spell(type)}");
        // A string whose name says nothing is a short token, not free text: ORMs declare every string unbounded
        // (Rails' character varying), so the type's width says nothing either. Free text needs a name (notes, body …).
        if (IsString(type)) return new(SemanticKind.Word, $"type {Spell(type)}");
        return new(SemanticKind.Other, $"type {Spell(type)}");
    }

    private readonly record struct Match(int Rule, SemanticKind Kind, TypeFit Fit, int End, int Length, string Text);

    /// <summary>Every phrase of every rule found in <paramref name="tokens"/>, best first: the head word is last in
    /// English compounds ("discount_amount" is an amount), so the later end wins, then the longer phrase, then the
    /// earlier rule.</summary>
    private static List<Match> Matches(List<Token> tokens)
    {
        var found = new List<Match>();
        for (var r = 0; r < ColumnVocabulary.Rules.Length; r++)
        {
            var (kind, fit, phrases) = ColumnVocabulary.Rules[r];
            foreach (var phrase in phrases)
            {
                var words = phrase.Split(' ');
                for (var i = 0; i + words.Length <= tokens.Count; i++)
                {
                    var ok = true;
                    for (var j = 0; j < words.Length && ok; j++) ok = tokens[i + j].Word == words[j];
                    if (!ok) continue;
                    var raw = string.Join(" ", tokens.Skip(i).Take(words.Length).Select(t => t.Raw).Distinct());
                    found.Add(new Match(r, kind, fit, i + words.Length - 1, words.Length, raw));
                }
            }
        }
        return [.. found.OrderByDescending(m => m.End).ThenByDescending(m => m.Length).ThenBy(m => m.Rule)];
    }

    private static ColumnMeaning? ByName(TableDef table, ColumnDef column, List<Token> name, SqlType type)
    {
        // "country_or_region": the first alternative names it; "doses_per_24_hrs", "gdp_per_capita": what comes before
        // "per" is counted.
        var cut = name.FindIndex(t => t.Word is "or" or "per");
        if (cut > 0) name = name[..cut];
        // The head decides: when the last matched word does not fit the type ("product_amount_given" as varchar),
        // a modifier before it does not take over.
        var matches = Matches(name);
        foreach (var m in matches)
        {
            if (m.End != matches[0].End) break;
            if (!Fits(m.Fit, type)) continue;
            var refined = Refine(table, name, m, type);
            if (refined is not null) return refined;
        }
        return null;
    }

    private static ColumnMeaning? Refine(TableDef table, List<Token> name, Match m, SqlType type)
    {
        var what = m.Length > 1 || name.Count > 1 ? $"name '{m.Text}'" : $"name part '{m.Text}'";
        var tableWord = TableWord(table);
        switch (m.Kind)
        {
            case SemanticKind.Name or SemanticKind.Title when m.Length == 1:
            {
                // A bare name or title: its qualifier ("contact_name") or the table ("employees.title") says which.
                var qualifier = m.End > 0 ? name[m.End - 1].Word : null;
                if (qualifier is not null && EntityKind(qualifier, m.Kind) is { } q) return new(q, $"name '{name[m.End - 1].Raw} {m.Text}'");
                // "pub_name" of publishers, "stor_name" of stores: a qualifier that abbreviates the table is the table.
                if ((qualifier is null || ColumnVocabulary.Singular(qualifier) == tableWord || ColumnVocabulary.Qualifiers.Contains(qualifier)
                     || (qualifier.Length >= 3 && tableWord.StartsWith(qualifier, StringComparison.Ordinal)))
                    && EntityKind(tableWord, m.Kind) is { } t)
                    return new(t, $"table {table.Name.Name} + name '{m.Text}'");
                return new(m.Kind, what);
            }
            case SemanticKind.Region when m.Text.Equals("state", StringComparison.OrdinalIgnoreCase) || name[m.End].Word == "state":
                // "state" is a region only beside an address or as a short code; else a status word.
                return type.Length is <= 3 || HasAddressSibling(table)
                    ? new(SemanticKind.Region, type.Length is <= 3 ? $"{what} + type {Spell(type)}" : $"{what} + address columns")
                    : new(SemanticKind.Word, what);
            case SemanticKind.Country or SemanticKind.Code when IsString(type) && type.Length is 2 or 3
                && name.Any(t => t.Word is "country" or "iso" or "code" or "nation") && (m.Kind == SemanticKind.Country || type.Length == 2):
                return new(SemanticKind.CountryCode, $"type {Spell(type)} + name '{m.Text}'");
            case SemanticKind.Code when IsString(type) && type.Length == 3 && name.Any(t => t.Word is "cur" or "currency"):
                return new(SemanticKind.CurrencyCode, $"type {Spell(type)} + name '{m.Text}'");
            case SemanticKind.CurrencyCode or SemanticKind.CountryCode or SemanticKind.LanguageCode when IsString(type) && type.Length is { } len:
                return new(m.Kind, $"type {Spell(type)} + {what}");
            case SemanticKind.Percentage or SemanticKind.Fraction:
                return Proportion(m, type, what);
            case SemanticKind.Duration:
            {
                var unit = name.Select(t => ColumnVocabulary.UnitOf(t.Word)).FirstOrDefault(u => u != DurationUnit.Unknown);
                return new(SemanticKind.Duration, what) { Unit = unit };
            }
            case SemanticKind.Measurement when name[m.End].Word is "length" or "runtime" && ColumnVocabulary.PlayedTables.Contains(tableWord):
                return new(SemanticKind.Duration, $"table {table.Name.Name} + {what}") { Unit = DurationUnit.Minutes };
            case SemanticKind.Text or SemanticKind.Title when IsString(type) && type.Length is <= 4:
                // A four-character "description" holds a code, not prose.
                return new(SemanticKind.Code, $"{what} + type {Spell(type)}");
            default:
                return new(m.Kind, what);
        }
    }

    /// <summary>Percent or fraction, or a money amount ("discount numeric(12,2)"), from the scale of the type.</summary>
    private static ColumnMeaning Proportion(Match m, SqlType type, string what)
    {
        var word = m.Text.ToLowerInvariant();
        var ratioWord = m.Kind == SemanticKind.Fraction || word is "rate" or "discount";
        if (type.Kind is TypeKind.Real or TypeKind.Double)
            return new(ratioWord ? SemanticKind.Fraction : SemanticKind.Percentage, $"{what} + type {Spell(type)}");
        if (type.Kind == TypeKind.Numeric && type.Precision is { } p)
        {
            var whole = p - (type.Scale ?? 0);
            if (type.Scale > 0 && whole <= 1) return new(SemanticKind.Fraction, $"{what} + type {Spell(type)}");
            if (whole <= 3) return new(SemanticKind.Percentage, $"{what} + type {Spell(type)}");
            if (word is "discount" or "rate") return new(SemanticKind.Price, $"{what} + type {Spell(type)}");
            return new(m.Kind, $"{what} + type {Spell(type)}");
        }
        if (type.Kind == TypeKind.Money) return new(SemanticKind.Price, $"{what} + type money");
        if (type.IsInteger) return new(SemanticKind.Percentage, $"{what} + type {Spell(type)}");
        return new(ratioWord ? SemanticKind.Fraction : SemanticKind.Percentage, what);
    }

    private static SemanticKind? EntityKind(string word, SemanticKind bare)
    {
        var w = ColumnVocabulary.Singular(word);
        if (bare == SemanticKind.Title)
        {
            if (ColumnVocabulary.PersonTables.Contains(w)) return SemanticKind.JobTitle;
            return null;
        }
        foreach (var (kind, words) in ColumnVocabulary.NameByEntity)
            if (words.Contains(w)) return kind;
        return null;
    }

    private static string TableWord(TableDef table)
    {
        var parts = SplitName(table.Name.Name).ToList();
        if (parts.Count > 1 && parts[0] is "tbl" or "t" or "tb") parts.RemoveAt(0);
        return parts.Count == 0 ? "" : ColumnVocabulary.Singular(parts[^1]);
    }

    private static bool HasAddressSibling(TableDef table) =>
        table.Columns.Any(c => Tokens(c.Name).Any(t => t.Word is "city" or "zip" or "postal" or "address" or "country" or "street"));

    private static ColumnMeaning? ByComment(string comment, SqlType type)
    {
        var tokens = Tokens(comment);
        // A comment is a sentence, not a compound: the most specific rule wins, longer phrases first.
        foreach (var m in Matches(tokens).OrderBy(m => m.Rule).ThenByDescending(m => m.Length))
        {
            if (!Fits(m.Fit, type) || m.Kind is SemanticKind.Name or SemanticKind.Word or SemanticKind.Text) continue;
            var unit = m.Kind == SemanticKind.Duration
                ? tokens.Select(t => ColumnVocabulary.UnitOf(t.Word)).FirstOrDefault(u => u != DurationUnit.Unknown)
                : DurationUnit.Unknown;
            var kind = m.Kind is SemanticKind.Percentage or SemanticKind.Fraction ? Proportion(m, type, "").Kind : m.Kind;
            return new(kind, $"comment '{Quote(comment, m.Text)}'") { Unit = unit };
        }
        return null;
    }

    // The comment's own spelling of the matched words ("ISO 4217"), or the words themselves.
    private static string Quote(string comment, string words)
    {
        var parts = words.Split(' ');
        var at = comment.IndexOf(parts[0], StringComparison.OrdinalIgnoreCase);
        if (at < 0) return words;
        var end = comment.IndexOf(parts[^1], at, StringComparison.OrdinalIgnoreCase);
        return end < 0 ? words : comment.Substring(at, end + parts[^1].Length - at);
    }

    /// <summary>The closed list of values a CHECK IN list (or an OR of equalities) or an enum type allows.</summary>
    private static List<string>? Labels(TableDef table, ColumnDef column, SchemaGraph? graph, out string source)
    {
        source = "";
        if (column.Type.Kind == TypeKind.Enum && column.Type.UserType is { } en)
        {
            source = $"enum type {en.Name}";
            return graph?.FindEnum(en) is { } e ? [.. e.Labels] : [];
        }
        foreach (var p in Predicates(table, column, graph))
            if (InList(p, column.Name) is { } list) { source = "CHECK IN list"; return list; }
        return null;
    }

    private static IEnumerable<CheckPredicate> Predicates(TableDef table, ColumnDef column, SchemaGraph? graph)
    {
        foreach (var c in table.Checks)
            if (c.Predicate is { } p && p.Columns().All(n => n == column.Name) && p.Columns().Any()) yield return p;
        if (column.Type.Domain is { } d && graph?.FindDomain(d) is { } dom)
            foreach (var c in dom.Checks)
                if (c.Predicate is { } p) yield return Rename(p, column.Name);
    }

    // A domain CHECK names its column VALUE; the walkers below compare column names, so VALUE is matched as the column.
    private static CheckPredicate Rename(CheckPredicate p, string column) => new DomainPredicate(p, column);

    private sealed record DomainPredicate(CheckPredicate Inner, string Column) : CheckPredicate
    {
        public override IEnumerable<string> Columns() => [Column];
    }

    private static bool IsColumn(CheckOperand o, string column) =>
        o is ColumnOperand c && (c.Column == column || c.Column.Equals("VALUE", StringComparison.OrdinalIgnoreCase));

    private static List<string>? InList(CheckPredicate p, string column)
    {
        switch (p)
        {
            case DomainPredicate d: return InList(d.Inner, column);
            case InPredicate { Negated: false } i when IsColumn(i.Operand, column):
                return [.. i.Values.Select(Label).OfType<string>()];
            case OrPredicate o:
            {
                var all = new List<string>();
                foreach (var t in o.Terms)
                {
                    if (t is ComparePredicate { Op: CompareOp.Eq } e && IsColumn(e.Left, column) && e.Right is ConstOperand k && Label(k.Value) is { } l) all.Add(l);
                    else if (InList(t, column) is { } sub) all.AddRange(sub);
                    else if (t is not IsNullPredicate) return null;
                }
                return all;
            }
            case AndPredicate a:
                return a.Terms.Select(t => InList(t, column)).FirstOrDefault(l => l is not null);
            default: return null;
        }
    }

    private static string? Label(CheckValue v) => v switch
    {
        StringValue s => s.Value,
        NumberValue n => n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        BoolValue b => b.Value ? "true" : "false",
        _ => null,
    };

    /// <summary>The numeric range a CHECK gives the column (col BETWEEN a AND b, col &gt;= a AND col &lt;= b).</summary>
    private static (decimal? Lo, decimal? Hi)? Bounds(TableDef table, ColumnDef column, SchemaGraph? graph)
    {
        decimal? lo = null, hi = null;
        void Walk(CheckPredicate p)
        {
            switch (p)
            {
                case DomainPredicate d: Walk(d.Inner); break;
                case AndPredicate a: foreach (var t in a.Terms) Walk(t); break;
                case BetweenPredicate { Negated: false } b when IsColumn(b.Operand, column.Name)
                    && b.Low is ConstOperand { Value: NumberValue l } && b.High is ConstOperand { Value: NumberValue h }:
                    lo = l.Value; hi = h.Value; break;
                case ComparePredicate c:
                {
                    var (op, k) = IsColumn(c.Left, column.Name) && c.Right is ConstOperand { Value: NumberValue r } ? (c.Op, r.Value)
                        : IsColumn(c.Right, column.Name) && c.Left is ConstOperand { Value: NumberValue l2 } ? (CompareOps.Flip(c.Op), l2.Value)
                        : ((CompareOp?)null, 0m);
                    if (op is CompareOp.Ge or CompareOp.Gt) lo = k;
                    else if (op is CompareOp.Le or CompareOp.Lt) hi = k;
                    break;
                }
                default: break;
            }
        }
        foreach (var p in Predicates(table, column, graph)) Walk(p);
        return lo is null && hi is null ? null : (lo, hi);
    }

    private static ColumnMeaning? ByBounds((decimal? Lo, decimal? Hi) b, SqlType type, SemanticKind? named)
    {
        if (b.Lo is not { } lo || b.Hi is not { } hi || !IsNumber(type)) return null;
        var range = $"CHECK {lo:0.##}..{hi:0.##}";
        // Bounds decide only where the name says nothing precise.
        var open = named is null or SemanticKind.Other or SemanticKind.Percentage or SemanticKind.Fraction or SemanticKind.Score or SemanticKind.Rating;
        if (!open) return null;
        if (lo >= 0 && hi <= 1 && !type.IsInteger) return new(SemanticKind.Fraction, range);
        if (lo >= 0 && hi == 100) return new(named == SemanticKind.Score ? SemanticKind.Score : SemanticKind.Percentage, range);
        if (lo is 0 or 1 && hi is 5 or 10) return new(SemanticKind.Rating, range);
        if (named is not null) return null;
        return (lo, hi) switch
        {
            (1, 12) => new(SemanticKind.Month, range),
            (1, 31) => new(SemanticKind.DayOfMonth, range),
            (0, 23) => new(SemanticKind.Hour, range),
            (0, 59) => new(SemanticKind.Minute, range),
            (1, 4) => new(SemanticKind.Quarter, range),
            (0, 6) or (1, 7) => new(SemanticKind.DayOfWeek, range),
            _ => null,
        };
    }

    private static bool LabelsFit(SemanticKind kind, List<string> labels, SqlType type)
    {
        if (labels.Count == 0) return false;
        var lower = labels.Select(l => l.Trim().ToLowerInvariant()).ToList();
        return kind switch
        {
            SemanticKind.Gender => lower.All(ColumnVocabulary.GenderLabels.Contains),
            SemanticKind.NamePrefix => lower.All(ColumnVocabulary.PrefixLabels.Contains),
            SemanticKind.Flag => lower.All(ColumnVocabulary.FlagLabels.Contains),
            SemanticKind.CountryCode or SemanticKind.Region => lower.All(l => l.Length is 2 or 3 && l.All(char.IsLetter)),
            SemanticKind.CurrencyCode => lower.All(l => l.Length == 3 && l.All(char.IsLetter)),
            SemanticKind.LanguageCode or SemanticKind.Locale => lower.All(l => l.Length is >= 2 and <= 6 && l.All(ch => char.IsLetter(ch) || ch is '-' or '_')),
            SemanticKind.Rating or SemanticKind.Score or SemanticKind.Quarter or SemanticKind.Month or SemanticKind.DayOfMonth
                or SemanticKind.DayOfWeek or SemanticKind.Hour or SemanticKind.Minute or SemanticKind.Second or SemanticKind.Year
                or SemanticKind.Age or SemanticKind.Percentage or SemanticKind.Quantity
                => IsNumber(type) && lower.All(l => decimal.TryParse(l, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _)),
            _ => false,
        };
    }

    private static bool FlagShaped(SqlType t) =>
        t.IsInteger || t.Kind == TypeKind.Bit || (t.Kind == TypeKind.Char && t.Length is null or 1);

    // citext is text that compares without case.
    private static bool IsString(SqlType t) => t.Descriptor.IsCharacter || ExtensionTypes.NameOf(t) == "citext";

    private static bool IsNumber(SqlType t) => t.Descriptor.IsNumeric;

    // An enum's labels are strings: a "gender" enum column is still a gender when its labels fit.
    private static bool Fits(TypeFit fit, SqlType t) => fit switch
    {
        TypeFit.String => IsString(t) || t.Kind == TypeKind.Enum,
        TypeFit.Number => IsNumber(t),
        TypeFit.StringOrInteger => IsString(t) || t.Kind == TypeKind.Enum || t.IsInteger,
        _ => IsString(t) || t.Kind == TypeKind.Enum || IsNumber(t),
    };

    // The type as a user reads it in evidence: char(3), numeric(5,2), integer.
    private static string Spell(SqlType t) => t.ToPgSql() switch
    {
        var s when s.StartsWith("character varying", StringComparison.Ordinal) => "varchar" + s["character varying".Length..],
        var s when s.StartsWith("character(", StringComparison.Ordinal) => "char" + s["character".Length..],
        "character" => "char",
        "timestamp without time zone" => "timestamp",
        "timestamp with time zone" => "timestamptz",
        "time without time zone" => "time",
        "time with time zone" => "timetz",
        var s => s,
    };
}
