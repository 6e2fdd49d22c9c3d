namespace PluRelSql.Workflows;

/// <summary>Options that make no sense together, bad values: exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
