namespace Detente.Patterns.Tests.Parsing;

/// <summary>Text that is not a pattern: one <see cref="PatternSyntaxException"/>, at the right position, saying what was expected and found.</summary>
public sealed class SyntaxErrorTests
{
    public static TheoryData<string, int, string, string> Errors21 => new()
    {
        // Structure
        { "", 0, "'[' or '('", "end of pattern" },
        { "   ", 3, "'[' or '('", "end of pattern" },
        { "file:size = 1280", 0, "'[' or '('", "an identifier" },
        { "ipv4-addr:value = '1'", 0, "'[' or '('", "an identifier with a hyphen" },
        { "[file:size = 1280", 17, "AND, OR or ']'", "end of pattern" },
        { "[file:size = 1280]]", 18, "AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern", "']'" },
        { "[]", 1, "an object path, '(', EXISTS or NOT EXISTS", "']'" },
        { "([file:size = 1]", 16, "AND, OR, FOLLOWEDBY, a qualifier or ')'", "end of pattern" },
        { "[(file:size = 1]", 15, "AND, OR or ')'", "']'" },
        { "[file:size = 1] AND", 19, "'[' or '('", "end of pattern" },
        { "[file:size = 1] [file:size = 2]", 16, "AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern", "'['" },
        { "[file:size = 1 file:size = 2]", 15, "AND, OR or ']'", "an identifier" },
        { "[foo:bar=1] within 2 seconds", 12, "AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern", "an identifier" },
        { "[file:size = 1] FOLLOWEDBY", 26, "'[' or '('", "end of pattern" },
        { "[file:size = 1 AND]", 18, "an object path, '(', EXISTS or NOT EXISTS", "']'" },

        // Object paths
        { "[file.size = 1280]", 5, "':' after the object type", "'.'" },
        { "[file:hashes.SHA-256 = 'x']", 13, "a property name (one with '-' or '.' is quoted: 'SHA-256')", "an identifier with a hyphen" },
        { "[file:parent-dir = 'x']", 6, "a property name (one with '-' or '.' is quoted: 'SHA-256')", "an identifier with a hyphen" },
        { "[file: = 1]", 7, "a property name", "'='" },
        { "[file:a. = 1]", 9, "a property name", "'='" },
        { "[file:a.5 = 1]", 7, "a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) or NOT", "a float" },
        { "[file:a[] = 1]", 8, "a list index or '*'", "']'" },
        { "[file:a[1.5] = 1]", 8, "a list index or '*'", "a float" },
        { "[file:a[1 = 1]", 10, "']'", "'='" },
        { "[file:a[2147483648] = 1]", 8, "a list index within the range of a 32-bit integer", "an integer out of that range" },
        { "[file:a['x'] = 1]", 8, "a list index or '*'", "a string" },
        { "['file':a = 1]", 1, "an object path, '(', EXISTS or NOT EXISTS", "a string" },
        { "[AND:a = 1]", 1, "an object path, '(', EXISTS or NOT EXISTS", "'AND'" },
        { "[file:true = 1]", 6, "a property name", "'true'" },
        { "[EXISTS:a = 1]", 7, "an object path (object-type:property)", "':'" },

        // Operators and constants
        { "[file:size = ]", 13, "a constant", "']'" },
        { "[file:size 1]", 11, "a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) or NOT", "an integer" },
        { "[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]", 19, "a constant", "an identifier" },
        { "[file:hashes.MD5 =? 'x']", 18, "a constant", "'?'" },
        { "[file:size NOT 1]", 15, "a comparison operator after NOT", "an integer" },
        { "[NOT file:size = 1]", 5, "EXISTS (NOT before an object path is written after it: a NOT = b)", "an identifier" },
        { "[file:size > true]", 13, "an orderable constant (a number, string, timestamp, binary or hex constant)", "'true'" },
        { "[file:size = (1, 2)]", 13, "a constant", "'('" },
        { "[file:size IN 1]", 14, "'(' to start a set of constants", "an integer" },
        { "[file:size IN (1 2)]", 17, "',' or ')'", "an integer" },
        { "[file:size IN (1,)]", 17, "a constant", "')'" },
        { "[file:size IN ((1))]", 15, "a constant", "'('" },
        { "[file:name LIKE 5]", 16, "a string", "an integer" },
        { "[file:name MATCHES /.*\\.dll/]", 19, "a string", "'/'" },
        { "[ipv4-addr:value ISSUBSET ]", 26, "a string", "']'" },
        { "[file:name = 'a' + 'b']", 17, "AND, OR or ']'", "'+'" },
        { "[file:size = 1 ^ 2]", 15, "AND, OR or ']'", "'^'" },
        { "[file:size = - 1]", 13, "a constant", "'-'" },
        { "[file:size = \"x\"]", 13, "a constant", "'\"'" },
        { "[file:size = é]", 13, "a constant", "the character U+00E9" },
        { "[file:size = 😀]", 13, "a constant", "the character U+1F600" },
        { "[file:size ! 1]", 11, "a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) or NOT", "'!'" },
        { "[file:size = EXISTS]", 13, "a constant", "'EXISTS'" },

        // Literals
        { "[file:name = 'abc]", 18, "an apostrophe (') to close the string", "end of pattern" },
        { "[file:name = 'a\\x']", 15, "\\' or \\\\ (the only escapes in a string)", "a backslash before 'x'" },
        { "[file:name = 'a\\", 15, "\\' or \\\\ (the only escapes in a string)", "a backslash at the end of the pattern" },
        { "[file:size = 01]", 14, "AND, OR or ']'", "an integer" },
        { "[file:size = 1.]", 14, "AND, OR or ']'", "'.'" },
        { "[file:size = 1e5]", 14, "AND, OR or ']'", "an identifier" },
        { "[file:size = 9007199254740992]", 13, "an integer within ±9007199254740991 (STIX 2.1 §2.10)", "an integer out of that range" },
        { "[file:size = -9007199254740992]", 13, "an integer within ±9007199254740991 (STIX 2.1 §2.10)", "an integer out of that range" },
        { "[x_whatever:detected == t'2457-73-22T32:81:84.1Z']", 24, "a timestamp t'YYYY-MM-DDTHH:mm:ss[.s+]Z' (a valid date and time, UTC)", "an invalid timestamp" },
        { "[x:c = t'2024-02-30T12:00:00Z']", 7, "a timestamp t'YYYY-MM-DDTHH:mm:ss[.s+]Z' (a valid date and time, UTC)", "an invalid timestamp" },
        { "[x:c = t'2024-01-15T12:30:45']", 7, "a timestamp t'YYYY-MM-DDTHH:mm:ss[.s+]Z' (a valid date and time, UTC)", "an invalid timestamp" },
        { "[x:c = t'2024-01-15T12:30:60Z']", 7, "a timestamp t'YYYY-MM-DDTHH:mm:ss[.s+]Z' (a valid date and time, UTC)", "an invalid timestamp" },
        { "[x:c = t'2024-01-15T12:30:45.Z']", 7, "a timestamp t'YYYY-MM-DDTHH:mm:ss[.s+]Z' (a valid date and time, UTC)", "an invalid timestamp" },
        { "[x:c = t'2024-01-15T12:30:45Z", 29, "an apostrophe (') to close the timestamp", "end of pattern" },
        { "[artifact:payload_bin = b'====']", 24, "base64 with padding: groups of four characters, at least one (RFC 4648)", "invalid base64" },
        { "[artifact:payload_bin = b'']", 24, "base64 with padding: groups of four characters, at least one (RFC 4648)", "invalid base64" },
        { "[artifact:payload_bin = b'ABC']", 24, "base64 with padding: groups of four characters, at least one (RFC 4648)", "invalid base64" },
        { "[artifact:payload_bin = b'A===']", 24, "base64 with padding: groups of four characters, at least one (RFC 4648)", "invalid base64" },
        { "[artifact:payload_bin = b'AB=C']", 29, "an apostrophe (') after the base64 padding", "'C'" },
        { "[artifact:payload_bin = b'AB C']", 28, "a base64 character or an apostrophe (')", "the character U+0020" },
        { "[artifact:payload_bin = b'ABCD", 30, "an apostrophe (') to close the binary constant", "end of pattern" },
        { "[file:magic_number_hex = h'fff']", 30, "an even number of hexadecimal digits", "an odd number" },
        { "[file:magic_number_hex = h'fg']", 28, "a hexadecimal digit or an apostrophe (')", "'g'" },
        { "[file:magic_number_hex = h'ff", 29, "an apostrophe (') to close the hex constant", "end of pattern" },
        { "[file:size = 1] /* open", 16, "'*/' to close the comment", "end of pattern" },

        // Qualifiers
        { "[file:size = 1] WITHIN ]", 23, "a positive number of seconds", "']'" },
        { "[file:size = 1] WITHIN 5 HOURS", 25, "SECONDS", "an identifier" },
        { "[file:size = 1] WITHIN -5 SECONDS", 23, "a positive number of seconds", "an integer" },
        { "[file:size = 1] WITHIN '5' SECONDS", 23, "a positive number of seconds", "a string" },
        { "[file:size = 1] REPEATS 1.5 TIMES", 24, "a positive integer", "a float" },
        { "[file:size = 1] REPEATS -1 TIMES", 24, "a positive integer", "an integer" },
        { "[file:size = 1] REPEATS 2147483648 TIMES", 24, "a repeat count of at most 2147483647", "an integer out of that range" },
        { "[file:size = 1] REPEATS 5", 25, "TIMES", "end of pattern" },
        { "[file:size = 1] START t'2016-06-01T00:00:00Z'", 45, "STOP", "end of pattern" },
        { "[file:size = 1] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'", 22, "a timestamp (t'YYYY-MM-DDTHH:mm:ss[.s+]Z')", "a string" },
        { "[file:size = 1] STOP t'2016-06-01T00:00:00Z'", 16, "AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern", "'STOP'" },
        { "WITHIN 5 SECONDS", 0, "'[' or '('", "'WITHIN'" },
    };

    [Fact]
    public void Numbers_beyond_a_double_are_syntax_errors()
    {
        string huge = "1" + new string('0', 400);

        PatternSyntaxException within = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse($"[x-a:p = 1] WITHIN {huge} SECONDS"));
        PatternSyntaxException constant = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse($"[x-a:p = {huge}.5]"));

        Assert.Equal((19, "a number within the range of a 64-bit floating-point number"), (within.Position, within.Expected));
        Assert.Equal((9, "a number within the range of a 64-bit floating-point number"), (constant.Position, constant.Expected));
    }

    [Theory]
    [MemberData(nameof(Errors21))]
    public void Syntax_errors_say_where_what_was_expected_and_what_was_found(string text, int position, string expected, string found)
    {
        PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse(text));

        Assert.Equal((position, expected, found), (e.Position, e.Expected, e.Found));
        Assert.Equal($"Invalid STIX pattern at position {position}: expected {expected}, found {found}.", e.Message);
        Assert.False(Pattern.TryParse(text, out Pattern? pattern));
        Assert.Null(pattern);
    }

    public static TheoryData<string, int, string, string> Errors20 => new()
    {
        { "[EXISTS windows-registry-key:values]", 8, "':' after the object type", "an identifier with a hyphen" },
        { "[NOT EXISTS file:name]", 1, "an object path or '('", "'NOT'" },
        { "[file:size = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", 22, "a timestamp string ('YYYY-MM-DDTHH:mm:ss[.s+]Z')", "a timestamp" },
        { "[file:size = 1] START 'yesterday' STOP '2016-07-01T00:00:00Z'", 22, "a timestamp string ('YYYY-MM-DDTHH:mm:ss[.s+]Z')", "a string that is not a STIX timestamp" },
        { "[]", 1, "an object path or '('", "']'" },
    };

    [Theory]
    [MemberData(nameof(Errors20))]
    public void Stix_2_0_has_its_own_errors(string text, int position, string expected, string found)
    {
        PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse(text, PatternVersion.V20));

        Assert.Equal((position, expected, found), (e.Position, e.Expected, e.Found));
    }

    [Fact]
    public void Messages_name_kinds_of_tokens_never_the_pattern_s_text()
    {
        const string Secret = "s3cr3t-hostname";
        foreach (string text in (string[])[$"[file:name = '{Secret}' {Secret}]", $"[{Secret}:x = 1] {Secret}", $"[file:name = {Secret}]",
                     $"[file:name = '{Secret}\\q']", $"[file:x_{Secret.Replace('-', '_')} = 1 AND]"])
        {
            PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse(text));
            Assert.DoesNotContain("s3cr3t", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Null_text_is_a_caller_bug()
    {
        Assert.Throws<ArgumentNullException>(() => Pattern.Parse(null!));
        Assert.Throws<ArgumentNullException>(() => Pattern.TryParse(null!, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pattern.Parse("[a:b = 1]", (PatternVersion)7));
    }
}
