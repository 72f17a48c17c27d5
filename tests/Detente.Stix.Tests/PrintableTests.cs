namespace Detente.Stix.Tests;

public sealed class PrintableTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a\nb", "a\\u000ab")]
    [InlineData("\u001b[31mred", "\\u001b[31mred")]
    [InlineData("tab\there", "tab\\u0009here")]
    [InlineData("del\u007f c1\u0085", "del\\u007f c1\\u0085")]
    [InlineData("line\u2028para\u2029", "line\\u2028para\\u2029")]
    [InlineData("abc\u202Edef\u2066\u200F", "abc\\u202edef\\u2066\\u200f")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("pair \ud83d\ude00 kept", "pair \ud83d\ude00 kept")]
    [InlineData("ünïcödé stays", "ünïcödé stays")]
    public void Control_characters_are_escaped(string value, string expected)
    {
        Assert.Equal(expected, Printable.Escape(value, 100));
    }

    [Fact]
    public void An_unpaired_surrogate_is_escaped()
    {
        // Not in InlineData: attribute arguments are stored as UTF-8, which cannot hold an unpaired surrogate.
        Assert.Equal("lone \\ud800 and \\udc00", Printable.Escape("lone \ud800 and \udc00", 100));
    }

    [Fact]
    public void Text_that_needs_nothing_is_returned_as_it_is()
    {
        string value = "nothing to do";

        Assert.Same(value, Printable.Escape(value, 100));
    }

    [Fact]
    public void Long_text_is_cut_without_splitting_a_surrogate_pair()
    {
        Assert.Equal("abc…", Printable.Escape("abcdef", 3));
        Assert.Equal("ab…", Printable.Escape("ab\ud83d\ude00", 3));
        Assert.Equal("a\\u000a…", Printable.Escape("a\nbc", 2));
    }

    [Fact]
    public void A_quote_character_is_escaped_when_asked()
    {
        Assert.Equal("it\\'s \\\\ \\u000a", Printable.Escape("it's \\ \n", 100, '\''));
        Assert.Equal("it's", Printable.Escape("it's", 100));
    }

    [Fact]
    public void Nonsense_arguments_are_caller_bugs()
    {
        Assert.Throws<ArgumentNullException>(() => Printable.Escape(null!, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Printable.Escape("x", 0));
    }
}
