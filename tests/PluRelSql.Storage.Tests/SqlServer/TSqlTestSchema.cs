using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Storage.Tests.SqlServer;

/// <summary>A T-SQL schema with every SQL Server type the sink converts, a computed column, an identity, a sequence
/// default, an alias type, keys, checks and a foreign key.</summary>
internal static class TSqlTestSchema
{
    public const string Script = """
        CREATE TYPE dbo.Code FROM varchar(8) NOT NULL;
        GO
        CREATE SEQUENCE dbo.OrderNo AS bigint START WITH 100 INCREMENT BY 5;
        GO
        CREATE TABLE dbo.Customer (
            CustomerId int IDENTITY(1,1) NOT NULL CONSTRAINT PK_Customer PRIMARY KEY,
            Email nvarchar(120) NOT NULL CONSTRAINT UQ_Customer_Email UNIQUE,
            IsActive bit NOT NULL,
            Balance money NULL,
            Joined date NOT NULL,
            LastSeen datetimeoffset NULL,
            Wakeup time NULL,
            Token uniqueidentifier NOT NULL,
            Photo varbinary(max) NULL,
            Notes nvarchar(max) NULL,
            Score decimal(9,3) NULL CONSTRAINT CK_Customer_Score CHECK (Score >= 0),
            Ratio float NULL,
            Small tinyint NULL,
            Region Code,
            Created datetime2 NOT NULL CONSTRAINT DF_Customer_Created DEFAULT (sysutcdatetime()),
            Label AS (Email + N'!')
        );
        GO
        CREATE TABLE dbo.[Order] (
            OrderId bigint NOT NULL CONSTRAINT DF_Order_OrderId DEFAULT (NEXT VALUE FOR dbo.OrderNo),
            CustomerId int NOT NULL,
            Qty smallint NOT NULL CONSTRAINT CK_Order_Qty CHECK (Qty BETWEEN 1 AND 100),
            Status char(1) NOT NULL CONSTRAINT CK_Order_Status CHECK (Status IN ('N', 'S')),
            Placed datetime NOT NULL,
            CONSTRAINT PK_Order PRIMARY KEY (OrderId),
            CONSTRAINT FK_Order_Customer FOREIGN KEY (CustomerId) REFERENCES dbo.Customer (CustomerId) ON DELETE CASCADE
        );
        GO
        CREATE INDEX IX_Order_Placed ON dbo.[Order] (Placed DESC) INCLUDE (Qty);
        GO
        """;

    public static SchemaGraph Read() => TSqlDdlReader.Read(Script, "test.sql").Graph;

    public static IndependentValueGenerator Generator(SchemaGraph graph, long rows = 100, double nullRate = 0.2) =>
        // Every table `rows` rows: the reader tests count a table's rows against it.
        new(GenerationPlanner.Create(graph, new GenerationOptions { DefaultRows = rows, Seed = 7, NullRate = nullRate, Sizing = RowSizing.Uniform }));
}
