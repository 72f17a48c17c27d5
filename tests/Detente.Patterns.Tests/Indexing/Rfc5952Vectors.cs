namespace Detente.Patterns.Tests.Indexing;

/// <summary>RFC 5952 (a recommendation for IPv6 address text representation), §4 and §5: input and canonical text.</summary>
public static class Rfc5952Vectors
{
    public static TheoryData<string, string> Canonical => new()
    {
        // §4.1: leading zeros suppressed.
        { "2001:0db8::0001", "2001:db8::1" },
        // §4.2.1: "::" shortens as much as possible.
        { "2001:db8:0:0:0:0:2:1", "2001:db8::2:1" },
        // §4.2.2: "::" never stands for a single 16-bit 0 field.
        { "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
        // §4.2.3: the longest run is shortened; on a tie, the first.
        { "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
        { "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
        // §4.3: lower case.
        { "2001:DB8::AbCd", "2001:db8::abcd" },
        // §5: IPv4-mapped addresses keep the dotted form.
        { "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
        { "0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1" },
        // RFC 4291 §2.2 forms.
        { "::", "::" },
        { "::1", "::1" },
        { "1::", "1::" },
        { "fe80::1:2:3:4:5:6", "fe80:0:1:2:3:4:5:6" },
        { "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8" },
        { "::13.1.68.3", "::d01:4403" },
    };
}
