using System.Security.Cryptography;
using System.Text;
using PluRelSql.Schema;

namespace PluRelSql.Cli;

/// <summary>A file the user named for output (<c>convert --out</c>, <c>populate --report</c>, <c>sample --emit-ddl</c>),
/// checked before any work is done and written all at once.</summary>
/// <remarks>Careful behaviour, as <c>install</c> or <c>sed -i</c> would have it: the path must not be a symbolic link
/// (a link could have been planted to make the tool overwrite its target; directories on the way may be links), must
/// not be a device, FIFO or directory, and must not be one of the command's inputs (same inode, or the same full
/// path). The text goes to a new file in the same directory, created exclusively (mode 0644, or the replaced file's
/// mode), flushed to disk and renamed over the target, so a reader never sees half a file and a failure leaves the old
/// one as it was.</remarks>
public sealed class OutputFile
{
    /// <summary>The path as given, for messages.</summary>
    public string Path { get; }

    private readonly string option;
    private readonly string noun;
    private readonly string full;
    private readonly IReadOnlyList<(string Option, string Path)> inputs;

    private OutputFile(string option, string noun, string path, IReadOnlyList<(string, string)> inputs)
    {
        this.option = option;
        this.noun = noun;
        Path = path;
        full = System.IO.Path.GetFullPath(path);
        this.inputs = inputs;
    }

    /// <summary>Checks <paramref name="path"/> (given as <paramref name="option"/>, holding <paramref name="noun"/>, e.g.
    /// "the report") before anything is read or loaded: not a link, not a special file, not one of
    /// <paramref name="inputs"/>, in an existing directory where this process can create files. Bad input (exit 2).</summary>
    public static OutputFile Prepare(string option, string noun, string path, IEnumerable<(string Option, string Path)> inputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new OutputFile(option, noun, path, [.. inputs]);
        file.CheckTarget();
        var directory = file.Directory;
        FileFacts dir;
        try { dir = FileFacts.Of(directory, followLinks: true); }
        catch (IOException e) { throw new UsageException($"{option} {path}: {e.Message}"); }
        if (dir.Kind == FileKind.Missing) throw new UsageException($"{option} {path}: the directory {directory} does not exist");
        if (dir.Kind != FileKind.Directory) throw new UsageException($"{option} {path}: {directory} is {dir.Describe()}, not a directory");
        // Proves the directory takes new files now rather than after a load: create the temporary file, then remove it.
        try
        {
            string probe;
            using (var stream = file.CreateTemporary(null)) probe = stream.Name;
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} {path}: cannot create files in {directory}: {e.Message}");
        }
        return file;
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) through a temporary file and a rename, saying on
    /// <paramref name="log"/> when an existing file was replaced. Every failure is a <see cref="UsageException"/>
    /// that says the file could not be written and why.</summary>
    public void Write(string text, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(log);
        CheckTarget();
        string? temporary = null;
        try
        {
            var existing = FileFacts.Of(full, followLinks: false).Kind == FileKind.Regular;
            UnixFileMode? mode = existing && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(full) : null;
            var stream = CreateTemporary(mode);
            temporary = stream.Name;
            using (stream)
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            // rename(2): atomic, and it replaces a link planted at the name since the check instead of following it.
            File.Move(temporary, full, overwrite: true);
            temporary = null;
            if (existing) log.WriteLine($"replaced existing {Path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"could not write {noun} {Path}: {e.Message}");
        }
        finally
        {
            if (temporary is not null)
                try { File.Delete(temporary); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the error above says what failed */ }
        }
    }

    /// <summary><see cref="Write"/> after the data has been committed: a failure says so plainly (the data stays in
    /// <paramref name="committedIn"/>) and gives exit code 1, as it is neither bad input (2) nor a database error (3).</summary>
    public int WriteAfterCommit(string text, string committedIn, TextWriter log)
    {
        try
        {
            Write(text, log);
            return ExitCodes.Ok;
        }
        catch (UsageException e)
        {
            log.WriteLine(CommittedMessage(committedIn, SettingFlags.Message(e)));
            return ExitCodes.Failure;
        }
    }

    internal static string CommittedMessage(string committedIn, string failure) =>
        $"plurel: error: the data is loaded and committed in {committedIn}; {failure}";

    /// <summary>Checks a directory the user named for a command's output (<c>train --out</c>, <c>scaling --out</c>):
    /// it must not be a symbolic link (one planted there would send checkpoints elsewhere) and, when it exists, must be
    /// a directory. Bad input (exit 2).</summary>
    public static void CheckDirectory(string option, string path)
    {
        FileFacts facts;
        // "run/" would follow a link named run: look at the name itself.
        var name = path.Length > 1 ? System.IO.Path.TrimEndingDirectorySeparator(path) : path;
        try { facts = FileFacts.Of(name, followLinks: false); }
        catch (IOException e) { throw new UsageException($"{option} {path}: {e.Message}"); }
        if (facts.Kind == FileKind.SymbolicLink)
            throw new UsageException($"{option} {path} is a symbolic link{LinkTarget(name)}; name the directory itself");
        if (facts.Kind is not (FileKind.Missing or FileKind.Directory))
            throw new UsageException($"{option} {path} is {facts.Describe()}, not a directory");
    }

    private string Directory => System.IO.Path.GetDirectoryName(full) ?? full;

    private void CheckTarget()
    {
        FileFacts target;
        try { target = FileFacts.Of(full, followLinks: false); }
        catch (IOException e) { throw new UsageException($"{option} {Path}: {e.Message}"); }
        if (target.Kind == FileKind.SymbolicLink)
            throw new UsageException($"{option} {Path} is a symbolic link{LinkTarget(full)}; plurel does not write through links: name the file itself");
        if (target.Kind is not (FileKind.Missing or FileKind.Regular))
            throw new UsageException($"{option} {Path} is {target.Describe()}, not a regular file");
        if (target.Kind == FileKind.Missing) return;
        foreach (var (inputOption, input) in inputs)
        {
            FileFacts facts;
            try { facts = FileFacts.Of(input, followLinks: true); }
            catch (IOException) { continue; }
            if (target.SameFileAs(facts) || string.Equals(full, Resolved(input), StringComparison.Ordinal))
                throw new UsageException($"{option} {Path} is the {inputOption} input {input}: it would be overwritten; write to another file");
        }
    }

    /// <summary>A new file beside the target, created exclusively (O_EXCL: never an existing file or a link).</summary>
    private FileStream CreateTemporary(UnixFileMode? mode)
    {
        var name = System.IO.Path.Combine(Directory,
            $".{System.IO.Path.GetFileName(full)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        var stream = new FileStream(name, options);
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            try { File.SetUnixFileMode(stream.SafeFileHandle, m); }
            catch
            {
                stream.Dispose();
                File.Delete(name);
                throw;
            }
        }
        return stream;
    }

    private static string Resolved(string path)
    {
        var p = System.IO.Path.GetFullPath(path);
        try { return File.ResolveLinkTarget(p, returnFinalTarget: true)?.FullName ?? p; }
        catch (IOException) { return p; }
    }

    private static string LinkTarget(string path)
    {
        try { return File.ResolveLinkTarget(path, returnFinalTarget: false) is { } t ? $" (to {t.FullName})" : ""; }
        catch (IOException) { return ""; }
    }
}
