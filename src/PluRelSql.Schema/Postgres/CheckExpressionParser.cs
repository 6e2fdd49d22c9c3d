using PluRelSql.Schema.Dialects;

namespace PluRelSql.Schema.Postgres;

/// <summary>The simple CHECK forms (<see cref="CheckPredicate"/>) of PostgreSQL CHECK text: read with
/// <see cref="PgExpressions"/>, the one PostgreSQL expression reader, and taken off its tree by
/// <see cref="CheckForms"/>. Anything else gives null: the caller keeps the text.</summary>
public static class CheckExpressionParser
{
    /// <summary>Parses a CHECK expression (without the CHECK keyword). An unquoted <c>VALUE</c> is the domain's
    /// pseudo-column and comes back as the column <c>VALUE</c>.</summary>
    public static CheckPredicate? TryParse(string expression) => PgExpressions.ReadCheck(expression, domain: true);

    /// <summary>Parses a table CHECK expression, where an unquoted <c>value</c> is an ordinary column.</summary>
    public static CheckPredicate? TryParseTableCheck(string expression) => PgExpressions.ReadCheck(expression, domain: false);

    /// <param name="domain">True for a domain CHECK, where an unquoted <c>value</c> is the pseudo-column <c>VALUE</c>.</param>
    public static CheckPredicate? TryParse(string? expression, bool domain) => PgExpressions.ReadCheck(expression, domain);
}
