namespace Detente.Psi.Tests.Vectors;

/// <summary>RFC 9380 Appendix K.3: expand_message_xmd(SHA-512), DST "QUUX-V01-CS02-with-expander-SHA512-256".</summary>
internal static class Rfc9380Vectors
{
    public const string Dst = "QUUX-V01-CS02-with-expander-SHA512-256";

    /// <summary>msg (ASCII), len_in_bytes, uniform_bytes.</summary>
    public static TheoryData<string, int, string> ExpandMessageXmdSha512 => new()
    {
        { "", 0x20, "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba" },
        { "abc", 0x20, "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc" },
        { "abcdef0123456789", 0x20, "087e45a86e2939ee8b91100af1583c4938e0f5fc6c9db4b107b83346bc967f58" },
        {
            "",
            0x80,
            "41b037d1734a5f8df225dd8c7de38f851efdb45c372887be655212d07251b921b052b62eaed99b46f72f2ef4cc96bfaf254ebbbec091e1a3b9e4fb5e5b619d2e0c5414800a1d882b62bb5cd1778f098b8eb6cb399d5d9d18f5d5842cf5d13d7eb00a7cff859b605da678b318bd0e65ebff70bec88c753b159a805d2c89c55961"
        },
    };
}
