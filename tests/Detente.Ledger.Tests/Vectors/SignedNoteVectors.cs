namespace Detente.Ledger.Tests.Vectors;

/// <summary>Signed-note vectors, re-typed.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>C2SP signed-note v1.0.0, "Verifier keys / Example" (C2SP/C2SP <c>signed-note.md</c>, tag signed-note/v1.0.0).</item>
/// <item>golang.org/x/mod <c>sumdb/note/note_test.go</c> (BSD-3-Clause), <c>TestSign</c>, <c>TestOpen</c>, <c>TestNewVerifier</c>:
/// the PeterNeumann and EnochRoot keys, the signed text and signature lines, and the malformed notes.</item>
/// </list>
/// </remarks>
public static class SignedNoteVectors
{
    public const string SpecVerifierKey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

    public const string SpecNote =
        "This is an example message.\n" +
        "\n" +
        "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

    /// <summary>The Go signer key: <c>PRIVATE+KEY+PeterNeumann+c74f20a3+</c> base64(0x01 ‖ Ed25519 seed).</summary>
    public const string PeterSignerKeyMaterial = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    public const string PeterVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    public const string EnochVerifierKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

    public const string PeterText =
        "If you think cryptography is the answer to your problem,\n" +
        "then you don't know what your problem is.\n";

    public const string PeterSignature =
        "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    public const string EnochSignature =
        "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    /// <summary>TestOpen's badMsgs: every one is a malformed note.</summary>
    public static TheoryData<string> MalformedNotes => new()
    {
        PeterText,
        PeterText + "\n",
        PeterText + "\n" + PeterSignature[..^1],
        "\u0001" + PeterText + "\n" + PeterSignature,
        PeterText + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        PeterText + "\n" + PeterSignature + "Unexpected line.\n",
    };

    /// <summary>TestNewVerifier: keys that must be refused (wrong-length key with adjusted hash; unknown algorithm with adjusted hash).</summary>
    public static TheoryData<string> BadVerifierKeys => new()
    {
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    };
}
