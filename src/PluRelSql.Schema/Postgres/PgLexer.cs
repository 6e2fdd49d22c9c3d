using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PluRelSql.Schema.Postgres;

internal enum TokKind
{
    /// <summary>An unquoted identifier or keyword; <see cref="Token.Text"/> is folded to lower case.</summary>
    Word,
    /// <summary>A "quoted" identifier; <see cref="Token.Text"/> is the identifier with "" undoubled.</summary>
    QuotedIdent,
    /// <summary>A string constant of any flavour; <see cref="Token.Text"/> is its value.</summary>
    String,
    Number,
    /// <summary>Punctuation or an operator: ( ) [ ] , ; . :: : and operator sequences.</summary>
    Op,
    /// <summary>A positional parameter such as $1.</summary>
    Param,
    /// <summary>The end of a statement: a top-level ';' or the end of the file.</summary>
    End,
}

/// <summary>One token. Start/End are offsets into the source text, so clauses can be kept "as written".</summary>
internal readonly record struct Token(TokKind Kind, string Text, int Start, int End, int Line, int Col)
{
    public bool IsWord(string w) => Kind == TokKind.Word && Text == w;
    public bool IsOp(string op) => Kind == TokKind.Op && Text == op;
    public bool IsIdent => Kind is TokKind.Word or TokKind.QuotedIdent;
    public bool IsEof => Kind == TokKind.End && Text.Length == 0;
}

/// <summary>A statement's tokens; the last token is always its terminator (';' or end of file).</summary>
internal sealed class Statement(List<Token> tokens, string source, string file)
{
    public List<Token> Tokens { get; } = tokens;
    public string Source { get; } = source;
    public string File { get; } = file;
    public Token Terminator => Tokens[^1];
}

/// <summary>Hand-written PostgreSQL lexer with psql behaviour: statements end at a ';' outside parentheses (and
/// outside BEGIN ATOMIC … END bodies), backslash meta-commands are skipped to the end of their line, and the data
/// lines of a <c>COPY … FROM stdin</c> are skipped up to the <c>\.</c> line.</summary>
internal sealed partial class PgLexer
{
    private string _text;
    private readonly string _file;
    private int _pos;
    private int _line = 1;
    private int _lineStart;
    private readonly Action<string, string, SourcePosition, string>? _skipped;
    private readonly PsqlSession? _psql;
    // Variable values pasted into _text on the current line: columns after one are those of the file as written.
    private readonly List<(int Start, int ValueEnd, int Delta, int RefCol)> _pasted = [];
    private int _brackets;

    /// <param name="skipped">Counts a skipped meta-command: (kind, message, position, summary noun).</param>
    /// <param name="psql">When given, meta-commands run against it and psql variables are substituted.</param>
    /// <param name="strictUtf8">The text was decoded from strict UTF-8, so a U+FFFD in it is a real character (e.g. in
    /// COPY data), not the mark of an undecodable byte.</param>
    public PgLexer(string text, string file, Action<string, string, SourcePosition, string>? skipped = null,
        PsqlSession? psql = null, bool strictUtf8 = false)
    {
        _text = text;
        _file = file;
        _skipped = skipped;
        _psql = psql;
        CheckText(text, file, strictUtf8);
        if (_text.Length > 0 && _text[0] == '\uFEFF') { _pos = 1; _lineStart = 1; }
    }

    public SourcePosition Pos(int line, int col) => new(_file, line, col);

    /// <summary>True after <c>SET standard_conforming_strings = off</c>: backslashes escape in plain '…' strings.</summary>
    public bool BackslashInStrings { get; set; }

    [GeneratedRegex(@"^\\copy\b.*\bfrom\s+stdin\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CopyFromStdin();

    private SourcePosition Here => new(_file, _line, Col(_pos));

    /// <summary>The 1-based column of an offset on the current line, as in the file: a token pasted from a psql
    /// variable stands at the reference's column, and what follows it keeps its original column.</summary>
    private int Col(int pos)
    {
        if (_pasted.Count > 0 && _pasted[0].Start < _lineStart) _pasted.RemoveAll(p => p.Start < _lineStart);
        int col = pos - _lineStart + 1;
        foreach (var (start, valueEnd, delta, refCol) in _pasted)
        {
            if (start < _lineStart) continue;
            if (pos >= valueEnd) col -= delta;
            else if (pos >= start) return refCol;
        }
        return col;
    }

    /// <summary>Rejects text that is not SQL: control characters other than tab, CR, LF, FF, and U+FFFD
    /// (what invalid UTF-8 decodes to).</summary>
    public static void CheckText(string text, string file, bool strictUtf8 = false)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n') { line++; lineStart = i + 1; continue; }
            if (c is '\t' or '\r' or '\f') continue;
            if (c < 0x20 || c is >= '\u007f' and <= '\u009f')
                throw new SchemaException($"not a SQL text file: byte 0x{(int)c:X2}", new SourcePosition(file, line, i - lineStart + 1));
            if (c == '\uFFFD' && !strictUtf8)
                throw new SchemaException("not a SQL text file: byte 0xFFFD (invalid UTF-8)", new SourcePosition(file, line, i - lineStart + 1));
        }
    }

    /// <summary>All tokens of a text (used for small expressions: no statement splitting, ';' is an Op).</summary>
    public List<Token> TokenizeAll()
    {
        var list = new List<Token>();
        while (NextToken() is { } t) list.Add(t.Kind == TokKind.End ? t with { Kind = TokKind.Op } : t);
        list.Add(new Token(TokKind.End, "", _text.Length, _text.Length, _line, Col(_pos)));
        return list;
    }

    /// <summary>The next statement, or null at the end of the text.</summary>
    public Statement? NextStatement()
    {
        var tokens = new List<Token>();
        int parens = 0, begins = 0;
        bool routine = false;
        while (true)
        {
            var t = NextToken();
            if (t is null)
            {
                if (tokens.Count == 0) return null;
                tokens.Add(new Token(TokKind.End, "", _text.Length, _text.Length, _line, Col(_pos)));
                return new Statement(tokens, _text, _file);
            }
            var tok = t.Value;
            if (tok.Kind == TokKind.End) // ';'
            {
                if (parens == 0 && begins == 0)
                {
                    if (tokens.Count == 0) continue; // empty statement
                    tokens.Add(tok);
                    if (IsCopyFromStdin(tokens)) SkipCopyData(tokens[0]);
                    return new Statement(tokens, _text, _file);
                }
                tokens.Add(tok with { Kind = TokKind.Op });
                continue;
            }
            if (tok.Kind == TokKind.Op)
            {
                if (tok.Text == "(") parens++;
                else if (tok.Text == ")" && parens > 0) parens--;
            }
            else if (tok.Kind == TokKind.Word)
            {
                if (tokens.Count == 1 || tokens.Count == 3) routine |= IsRoutineStart(tokens, tok);
                if (routine && tokens.Count > 0)
                {
                    if (tok.Text is "begin" or "case") begins++;
                    else if (tok.Text == "end" && begins > 0) begins--;
                }
            }
            tokens.Add(tok);
        }
    }

    // CREATE [OR REPLACE] FUNCTION|PROCEDURE: a BEGIN ATOMIC body may contain ';' (psql tracks BEGIN/CASE … END).
    private static bool IsRoutineStart(List<Token> tokens, Token next) =>
        tokens[0].IsWord("create") && next.Text is "function" or "procedure" &&
        (tokens.Count == 1 || (tokens[1].IsWord("or") && tokens[2].IsWord("replace")));

    /// <summary>One meta-command line (from its backslash to the end of the line): \copy data and commands without an
    /// offline effect are skipped and counted; the rest run against the psql session.</summary>
    private MetaAction MetaCommand(string cmd, SourcePosition at)
    {
        int n = 1;
        while (n < cmd.Length && (char.IsAsciiLetterOrDigit(cmd[n]) || cmd[n] == '_')) n++;
        if (n == 1 && cmd.Length > 1) n = 2; // \! \? \. …
        var name = cmd[1..n];
        var args = cmd[n..].Trim();
        var shown = cmd.Length > 60 ? cmd[..60] + "…" : cmd;
        // psql matches \copy in any case (the loaders of MIMIC write \COPY).
        if (name.Equals("copy", StringComparison.OrdinalIgnoreCase))
        {
            bool stdin = CopyFromStdin().IsMatch(cmd);
            _skipped?.Invoke("psql-command", stdin ? shown : $"{shown} (the file is not read offline)", at, stdin ? "\\copy data block" : "\\copy command");
            // \copy … from stdin reads its data from the following lines, up to "\.".
            if (stdin) SkipCopyData(new Token(TokKind.Op, "\\", 0, 0, at.Line, at.Column));
            return MetaAction.None;
        }
        if (_psql is null)
        {
            _skipped?.Invoke("psql-command", shown, at, $"\\{name} command");
            return MetaAction.None;
        }
        return _psql.Run(name, args, at);
    }

    /// <summary>Skips an \if … \endif block (nested blocks included): its condition cannot be evaluated offline.</summary>
    private void SkipConditional(string cmd, SourcePosition at)
    {
        int depth = 1;
        while (_pos < _text.Length)
        {
            int eol = _text.IndexOf('\n', _pos);
            var line = _text.AsSpan(_pos, (eol < 0 ? _text.Length : eol) - _pos).Trim();
            SkipToEndOfLine();
            if (IsMeta(line, "\\if")) depth++;
            else if (IsMeta(line, "\\endif") && --depth == 0)
            {
                _skipped?.Invoke("psql-command", $"{cmd} … \\endif (lines {at.Line}-{_line - 1}; the condition is not evaluated offline)", at, "\\if block");
                return;
            }
        }
        throw new SchemaException("\\if without a matching \\endif", at);
    }

    private static bool IsMeta(ReadOnlySpan<char> line, string command) =>
        line.StartsWith(command, StringComparison.Ordinal) && (line.Length == command.Length || char.IsWhiteSpace(line[command.Length]));

    private static bool IsCopyFromStdin(List<Token> tokens)
    {
        if (!tokens[0].IsWord("copy")) return false;
        for (int i = 1; i + 1 < tokens.Count; i++)
            if (tokens[i].IsWord("from") && tokens[i + 1].IsWord("stdin")) return true;
        return false;
    }

    private void SkipCopyData(Token copy)
    {
        // The data begins on the line after the statement and ends with a line "\.".
        SkipToEndOfLine();
        while (_pos < _text.Length)
        {
            int eol = _text.IndexOf('\n', _pos);
            int end = eol < 0 ? _text.Length : eol;
            var line = _text.AsSpan(_pos, end - _pos).TrimEnd('\r');
            _pos = eol < 0 ? _text.Length : eol + 1;
            if (eol >= 0) { _line++; _lineStart = _pos; }
            if (line.SequenceEqual("\\.")) return;
        }
        throw new SchemaException("COPY data is not terminated by a line \\.", Pos(copy.Line, copy.Col));
    }

    private void SkipToEndOfLine()
    {
        while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
        if (_pos < _text.Length) { _pos++; _line++; _lineStart = _pos; }
    }

    private char At(int i) => i < _text.Length ? _text[i] : '\0';

    private void Advance()
    {
        if (_text[_pos] == '\n') { _line++; _lineStart = _pos + 1; }
        _pos++;
    }

    private static bool IsIdentStart(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' || c >= '\u0080';
    private static bool IsIdentChar(char c) => IsIdentStart(c) || c is >= '0' and <= '9' or '$';
    private static bool IsDigit(char c) => c is >= '0' and <= '9';
    private const string OpChars = "+-*/<>=~!@#%^&|`?";

    /// <summary>The next token; a top-level ';' comes back as <see cref="TokKind.End"/>. Null at the end of text.</summary>
    private Token? NextToken()
    {
        while (true)
        {
            SkipSpaceAndComments();
            if (_pos >= _text.Length) return null;
            if (_text[_pos] == '\\')
            {
                var at = Here;
                int eol = _text.IndexOf('\n', _pos);
                var cmd = _text[_pos..(eol < 0 ? _text.Length : eol)].TrimEnd();
                SkipToEndOfLine();
                switch (MetaCommand(cmd, at))
                {
                    case MetaAction.Quit: _pos = _text.Length; return null;
                    case MetaAction.EndStatement: return new Token(TokKind.End, ";", _pos, _pos, at.Line, at.Column);
                    case MetaAction.SkipConditional: SkipConditional(cmd, at); break;
                }
                continue;
            }
            // A value pasted from a variable is not searched for variables again (psql does not recurse either).
            if (_psql is not null && _text[_pos] == ':' && At(_pos + 1) != ':' && (_pos == 0 || _text[_pos - 1] != ':')
                && !_pasted.Exists(p => _pos >= p.Start && _pos < p.ValueEnd) && _psql.Reference(_text, _pos) is { } r)
            {
                var at = Here;
                if (r.Value is not null)
                {
                    // psql pastes the value into the query text and lexes on, so clauses kept "as written" hold the
                    // value too. Its line breaks become spaces: the lines after it keep their numbers.
                    var value = r.Value.Replace('\n', ' ');
                    _text = string.Concat(_text.AsSpan(0, _pos), value, _text.AsSpan(r.End));
                    _pasted.Add((_pos, _pos + value.Length, value.Length - (r.End - _pos), at.Column));
                    continue;
                }
                // An array slice a[lo:hi] is not a variable; elsewhere an unset variable is a mistake in the script.
                bool quoted = At(_pos + 1) is '\'' or '"';
                if (_brackets == 0 && (quoted || IsIdentStart(r.Name[0])))
                    throw new SchemaException($"psql variable \"{r.Name}\" is not set (set it with \\set {r.Name} VALUE in the script)", at);
            }
            break;
        }
        int start = _pos, line = _line, col = Col(_pos);
        char c = _text[_pos];
        Token Make(TokKind k, string text) => new(k, text, start, _pos, line, col);

        // String constants with a prefix: E'…', N'…', B'…', X'…', U&'…', and U&"…" identifiers.
        if ((c is 'e' or 'E') && At(_pos + 1) == '\'') { _pos++; return Make(TokKind.String, ReadString(start, line, col, backslash: true)); }
        if ((c is 'n' or 'N' or 'b' or 'B' or 'x' or 'X') && At(_pos + 1) == '\'') { _pos++; return Make(TokKind.String, ReadString(start, line, col, backslash: false)); }
        if ((c is 'u' or 'U') && At(_pos + 1) == '&' && At(_pos + 2) is '\'' or '"')
        {
            _pos += 2;
            return _text[_pos] == '\''
                ? Make(TokKind.String, DecodeUnicodeEscapes(ReadString(start, line, col, backslash: false), line, col))
                : Make(TokKind.QuotedIdent, TruncateIdentifier(DecodeUnicodeEscapes(ReadQuotedIdent(start, line, col), line, col)));
        }
        if (IsIdentStart(c))
        {
            while (_pos < _text.Length && IsIdentChar(_text[_pos])) _pos++;
            return Make(TokKind.Word, TruncateIdentifier(FoldAscii(_text.AsSpan(start, _pos - start))));
        }
        if (c == '\'') return Make(TokKind.String, ReadString(start, line, col, backslash: BackslashInStrings));
        if (c == '"') return Make(TokKind.QuotedIdent, TruncateIdentifier(ReadQuotedIdent(start, line, col)));
        if (IsDigit(c) || (c == '.' && IsDigit(At(_pos + 1))))
        {
            while (IsDigit(At(_pos)) || At(_pos) == '_') _pos++;
            if (At(_pos) == '.' && At(_pos + 1) != '.')
            {
                _pos++;
                while (IsDigit(At(_pos))) _pos++;
            }
            if (At(_pos) is 'e' or 'E' && (IsDigit(At(_pos + 1)) || (At(_pos + 1) is '+' or '-' && IsDigit(At(_pos + 2)))))
            {
                _pos += 2;
                while (IsDigit(At(_pos))) _pos++;
            }
            return Make(TokKind.Number, _text[start.._pos]);
        }
        if (c == '$')
        {
            if (IsDigit(At(_pos + 1)))
            {
                _pos++;
                while (IsDigit(At(_pos))) _pos++;
                return Make(TokKind.Param, _text[start.._pos]);
            }
            int j = _pos + 1;
            if (At(j) != '$' && IsIdentStart(At(j)) && At(j) != '\0')
                while (j < _text.Length && IsIdentChar(_text[j]) && _text[j] != '$') j++;
            if (At(j) == '$')
            {
                var tag = _text[_pos..(j + 1)];
                int close = _text.IndexOf(tag, j + 1, StringComparison.Ordinal);
                if (close < 0) throw new SchemaException("unterminated dollar-quoted string", Pos(line, col));
                var body = _text[(j + 1)..close];
                while (_pos < close + tag.Length) Advance();
                return Make(TokKind.String, body);
            }
            throw new SchemaException("unexpected '$'", Pos(line, col));
        }
        switch (c)
        {
            case ';': _pos++; return Make(TokKind.End, ";");
            case '(' or ')' or '[' or ']' or ',' or '.':
                if (c == '[') _brackets++;
                else if (c == ']' && _brackets > 0) _brackets--;
                _pos++;
                return Make(TokKind.Op, c.ToString());
            case ':':
                _pos++;
                if (At(_pos) == ':') { _pos++; return Make(TokKind.Op, "::"); }
                if (At(_pos) == '=') { _pos++; return Make(TokKind.Op, ":="); }
                return Make(TokKind.Op, ":");
        }
        if (OpChars.Contains(c))
        {
            int j = _pos;
            while (j < _text.Length && OpChars.Contains(_text[j]))
            {
                // A comment start ends the operator.
                if (j > _pos && ((_text[j] == '-' && At(j + 1) == '-') || (_text[j] == '/' && At(j + 1) == '*'))) break;
                j++;
            }
            var op = _text[_pos..j];
            // PostgreSQL: a multi-character operator cannot end in + or - unless it contains one of ~!@#%^&|`?
            if (op.Length > 1 && op.IndexOfAny("~!@#%^&|`?".ToCharArray()) < 0)
                while (op.Length > 1 && op[^1] is '+' or '-') op = op[..^1];
            _pos += op.Length;
            return Make(TokKind.Op, op);
        }
        throw new SchemaException($"unexpected character '{c}'", Pos(line, col));
    }

    private void SkipSpaceAndComments()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is ' ' or '\t' or '\r' or '\n' or '\f') { Advance(); continue; }
            if (c == '-' && At(_pos + 1) == '-')
            {
                while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
                continue;
            }
            if (c == '/' && At(_pos + 1) == '*')
            {
                var open = Here;
                int depth = 0;
                while (true)
                {
                    if (_pos >= _text.Length) throw new SchemaException("unterminated /* comment", open);
                    if (_text[_pos] == '/' && At(_pos + 1) == '*') { depth++; _pos += 2; continue; }
                    if (_text[_pos] == '*' && At(_pos + 1) == '/')
                    {
                        depth--;
                        _pos += 2;
                        if (depth == 0) break;
                        continue;
                    }
                    Advance();
                }
                continue;
            }
            break;
        }
    }

    /// <summary>Reads a '…' string starting at the quote under _pos; '' is a quote; with backslash, \x escapes too.</summary>
    private string ReadString(int start, int line, int col, bool backslash)
    {
        _pos++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw new SchemaException("unterminated quoted string", Pos(line, col));
            char c = _text[_pos];
            if (c == '\'')
            {
                if (At(_pos + 1) == '\'') { sb.Append('\''); _pos += 2; continue; }
                _pos++;
                // SQL: two string constants separated by whitespace with at least one newline are concatenated.
                int save = _pos, saveLine = _line, saveLineStart = _lineStart;
                bool newline = false;
                while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\r' or '\n' or '\f')
                {
                    if (_text[_pos] == '\n') newline = true;
                    Advance();
                }
                if (newline && At(_pos) == '\'') { _pos++; continue; }
                _pos = save; _line = saveLine; _lineStart = saveLineStart;
                return sb.ToString();
            }
            if (backslash && c == '\\' && _pos + 1 < _text.Length)
            {
                Advance();
                AppendEscape(sb);
                continue;
            }
            sb.Append(c);
            Advance();
        }
    }

    /// <summary>The escape after a backslash in an E'…' string: \n \t \r \b \f, octal \ooo, hex \xHH,
    /// \uXXXX, \UXXXXXXXX; any other character stands for itself.</summary>
    private void AppendEscape(StringBuilder sb)
    {
        char e = _text[_pos];
        Advance();
        switch (e)
        {
            case 'n': sb.Append('\n'); return;
            case 't': sb.Append('\t'); return;
            case 'r': sb.Append('\r'); return;
            case 'b': sb.Append('\b'); return;
            case 'f': sb.Append('\f'); return;
            case >= '0' and <= '7':
            {
                int v = e - '0';
                for (int k = 0; k < 2 && At(_pos) is >= '0' and <= '7'; k++) { v = v * 8 + (_text[_pos] - '0'); Advance(); }
                sb.Append((char)(v & 0xFF));
                return;
            }
            case 'x' when Uri.IsHexDigit(At(_pos)):
                AppendHex(sb, 2);
                return;
            case 'u' when HexRun(4):
                AppendHex(sb, 4);
                return;
            case 'U' when HexRun(8):
                AppendHex(sb, 8);
                return;
            default:
                sb.Append(e);
                return;
        }
    }

    private bool HexRun(int n)
    {
        for (int k = 0; k < n; k++)
            if (!Uri.IsHexDigit(At(_pos + k))) return false;
        return true;
    }

    private void AppendHex(StringBuilder sb, int max)
    {
        int start = _pos;
        while (_pos - start < max && Uri.IsHexDigit(At(_pos))) Advance();
        int v = int.Parse(_text.AsSpan(start, _pos - start), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (v is >= 0 and <= 0x10FFFF && v is not (>= 0xD800 and <= 0xDFFF)) sb.Append(char.ConvertFromUtf32(v));
    }

    /// <summary>U&amp;'…' and U&amp;"…": \\ is a backslash, \XXXX and \+XXXXXX are code points (UESCAPE is not supported).</summary>
    private string DecodeUnicodeEscapes(string s, int line, int col)
    {
        if (!s.Contains('\\', StringComparison.Ordinal)) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\') { sb.Append(s[i]); continue; }
            if (i + 1 < s.Length && s[i + 1] == '\\') { sb.Append('\\'); i++; continue; }
            int digits = i + 1 < s.Length && s[i + 1] == '+' ? 6 : 4;
            int from = digits == 6 ? i + 2 : i + 1;
            if (from + digits > s.Length || !int.TryParse(s.AsSpan(from, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v)
                || v > 0x10FFFF || v is >= 0xD800 and <= 0xDFFF)
                throw new SchemaException("invalid Unicode escape in U&'…'", Pos(line, col));
            sb.Append(char.ConvertFromUtf32(v));
            i = from + digits - 1;
        }
        return sb.ToString();
    }

    private string ReadQuotedIdent(int start, int line, int col)
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw new SchemaException("unterminated quoted identifier", Pos(line, col));
            char c = _text[_pos];
            if (c == '"')
            {
                if (At(_pos + 1) == '"') { sb.Append('"'); _pos += 2; continue; }
                _pos++;
                if (sb.Length == 0) throw new SchemaException("zero-length delimited identifier", Pos(line, col));
                return sb.ToString();
            }
            sb.Append(c);
            Advance();
        }
    }

    /// <summary>PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1), cut at a character boundary.</summary>
    public static string TruncateIdentifier(string ident, int maxBytes = 63)
    {
        if (ident.Length * 3 <= maxBytes || Encoding.UTF8.GetByteCount(ident) <= maxBytes) return ident;
        int bytes = 0, i = 0;
        while (i < ident.Length)
        {
            int len = char.IsSurrogatePair(ident, i) ? 2 : 1;
            int b = Encoding.UTF8.GetByteCount(ident.AsSpan(i, len));
            if (bytes + b > maxBytes) break;
            bytes += b;
            i += len;
        }
        return ident[..i];
    }

    /// <summary>PostgreSQL folds only ASCII letters of unquoted identifiers.</summary>
    public static string FoldAscii(ReadOnlySpan<char> s)
    {
        Span<char> buf = s.Length <= 256 ? stackalloc char[s.Length] : new char[s.Length];
        for (int i = 0; i < s.Length; i++) buf[i] = s[i] is >= 'A' and <= 'Z' ? (char)(s[i] + 32) : s[i];
        return new string(buf);
    }
}
