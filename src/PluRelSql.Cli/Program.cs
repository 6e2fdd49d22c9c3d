namespace PluRelSql.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("plurel: commands are being built; see README.md");
        return args.Length == 0 ? 2 : 2;
    }
}
