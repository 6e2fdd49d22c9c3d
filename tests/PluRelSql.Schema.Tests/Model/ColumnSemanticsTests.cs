using PluRelSql.Schema;

namespace PluRelSql.Schema.Tests.Model;

public sealed class ColumnSemanticsTests
{
    private static SqlType T(TypeKind k, int? length = null) => new() { Kind = k, Length = length };

    [Theory]
    [InlineData("customerEmail", TypeKind.Varchar, SemanticKind.Email)]
    [InlineData("email_address", TypeKind.Varchar, SemanticKind.Email)]
    [InlineData("phone_no", TypeKind.Varchar, SemanticKind.Phone)]
    [InlineData("created_at", TypeKind.TimestampTz, SemanticKind.Timestamp)]
    [InlineData("birth_date", TypeKind.Date, SemanticKind.Date)]
    [InlineData("unit_price", TypeKind.Numeric, SemanticKind.Price)]
    [InlineData("TotalAmt", TypeKind.Numeric, SemanticKind.Price)]
    [InlineData("qty", TypeKind.SmallInt, SemanticKind.Quantity)]
    [InlineData("zip", TypeKind.Varchar, SemanticKind.PostalCode)]
    [InlineData("is_active", TypeKind.Boolean, SemanticKind.Flag)]
    [InlineData("isDeleted", TypeKind.SmallInt, SemanticKind.Flag)]
    [InlineData("country_code", TypeKind.Char, SemanticKind.Country)]
    [InlineData("CityName", TypeKind.Varchar, SemanticKind.City)]
    [InlineData("first_name", TypeKind.Varchar, SemanticKind.Name)]
    [InlineData("homepageURL", TypeKind.Text, SemanticKind.Url)]
    [InlineData("discount_pct", TypeKind.Numeric, SemanticKind.Percentage)]
    [InlineData("sku", TypeKind.Varchar, SemanticKind.Code)]
    [InlineData("description", TypeKind.Text, SemanticKind.Text)]
    [InlineData("payload", TypeKind.Jsonb, SemanticKind.Json)]
    [InlineData("external_id", TypeKind.BigInt, SemanticKind.Id)]
    [InlineData("weight_kg", TypeKind.Real, SemanticKind.Other)]
    // A name part that does not fit the type decides nothing: an integer "email_count" is a quantity.
    [InlineData("email_count", TypeKind.Integer, SemanticKind.Quantity)]
    public void Guesses_kind_from_name_parts_and_type(string name, TypeKind type, SemanticKind expected) =>
        Assert.Equal(expected, ColumnSemantics.Guess(name, T(type)));

    [Fact]
    public void Keys_win_over_the_name_and_short_chars_are_codes()
    {
        Assert.Equal(SemanticKind.Id, ColumnSemantics.Guess("customer_id", T(TypeKind.BigInt), isPrimaryKey: true));
        Assert.Equal(SemanticKind.ForeignKey, ColumnSemantics.Guess("country", T(TypeKind.Char, 2), isForeignKey: true));
        Assert.Equal(SemanticKind.Code, ColumnSemantics.Guess("cur", T(TypeKind.Char, 3)));
        Assert.Equal("postal_code", ColumnSemantics.Name(SemanticKind.PostalCode));
    }

    [Theory]
    [InlineData("customerEmail", "customer,email")]
    [InlineData("phone_no", "phone,no")]
    [InlineData("HTTPStatus2", "http,status,2")]
    [InlineData("ShipPostalCode", "ship,postal,code")]
    public void Splits_snake_camel_and_pascal_names(string name, string parts) =>
        Assert.Equal(parts, string.Join(",", ColumnSemantics.SplitName(name)));
}
