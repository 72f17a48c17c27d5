using System.Text;
using Detente.Ledger.Notes;
using Detente.Ledger.Tests.Vectors;
using Detente.Stix.Signatures;

namespace Detente.Ledger.Tests;

public sealed class SignedNoteTests
{
    private static StixSigningKey PeterKey() => StixSigningKey.ImportSeed(Convert.FromBase64String(SignedNoteVectors.PeterSignerKeyMaterial).AsSpan(1));

    [Fact]
    public void The_spec_example_note_verifies_with_its_verifier_key()
    {
        NoteVerifierKey key = NoteVerifierKey.Parse(SignedNoteVectors.SpecVerifierKey);
        Assert.Equal(SignedNoteVectors.SpecVerifierKey, key.ToString());
        SignedNote note = SignedNote.Parse(Encoding.UTF8.GetBytes(SignedNoteVectors.SpecNote));
        Assert.Equal("This is an example message.\n", note.Text);
        NoteVerification result = note.Verify([key]);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(SignedNoteVectors.SpecNote, Encoding.UTF8.GetString(note.ToBytes()));
    }

    [Fact]
    public void Signing_the_go_test_text_gives_the_go_signature_byte_for_byte()
    {
        using StixSigningKey key = PeterKey();
        var signer = new NoteSigner("PeterNeumann", key);
        Assert.Equal(SignedNoteVectors.PeterVerifierKey, signer.VerifierKey.ToString());
        Assert.Equal(0xc74f20a3u, signer.VerifierKey.KeyId);
        SignedNote note = signer.SignNote(SignedNoteVectors.PeterText);
        Assert.Equal(SignedNoteVectors.PeterText + "\n" + SignedNoteVectors.PeterSignature, Encoding.UTF8.GetString(note.ToBytes()));
    }

    [Fact]
    public void Unknown_signatures_are_ignored_and_known_ones_verified()
    {
        NoteVerifierKey peter = NoteVerifierKey.Parse(SignedNoteVectors.PeterVerifierKey);
        NoteVerifierKey enoch = NoteVerifierKey.Parse(SignedNoteVectors.EnochVerifierKey);
        SignedNote note = SignedNote.Parse(Encoding.UTF8.GetBytes(SignedNoteVectors.PeterText + "\n" + SignedNoteVectors.PeterSignature + SignedNoteVectors.EnochSignature));

        NoteVerification onlyPeter = note.Verify([peter]);
        Assert.True(onlyPeter.IsValid);
        Assert.Equal("PeterNeumann", Assert.Single(onlyPeter.Verified).KeyName);
        Assert.Equal("EnochRoot", Assert.Single(onlyPeter.Unknown).KeyName);

        NoteVerification both = note.Verify([peter, enoch]);
        Assert.Equal(2, both.Verified.Count);

        NoteVerification none = note.Verify([]);
        Assert.Equal(NoteFailure.NoKnownSignature, none.Failure);
        Assert.Equal(2, none.Unknown.Count);
    }

    [Fact]
    public void A_known_key_whose_signature_fails_rejects_the_whole_note()
    {
        NoteVerifierKey peter = NoteVerifierKey.Parse(SignedNoteVectors.PeterVerifierKey);
        string sig = SignedNoteVectors.PeterSignature;
        string tampered = sig[..60] + "ABCD" + sig[60..];
        SignedNote note = SignedNote.Parse(Encoding.UTF8.GetBytes(SignedNoteVectors.PeterText + "\n" + tampered));
        Assert.Equal(NoteFailure.InvalidSignature, note.Verify([peter]).Failure);

        // The same name with another key id, or another name with the same id, is an unknown key: ignored.
        SignedNote renamed = SignedNote.Parse(Encoding.UTF8.GetBytes(SignedNoteVectors.PeterText + "\n" + sig.Replace("PeterNeumann", "CarmenSandiego", StringComparison.Ordinal)));
        Assert.Equal(NoteFailure.NoKnownSignature, renamed.Verify([peter]).Failure);
    }

    [Fact]
    public void The_text_must_match_what_was_signed()
    {
        NoteVerifierKey peter = NoteVerifierKey.Parse(SignedNoteVectors.PeterVerifierKey);
        SignedNote note = SignedNote.Parse(Encoding.UTF8.GetBytes(SignedNoteVectors.PeterText.Replace("answer", "Answer", StringComparison.Ordinal) + "\n" + SignedNoteVectors.PeterSignature));
        Assert.Equal(NoteFailure.InvalidSignature, note.Verify([peter]).Failure);
    }

    [Theory]
    [MemberData(nameof(SignedNoteVectors.MalformedNotes), MemberType = typeof(SignedNoteVectors))]
    public void Malformed_notes_from_the_go_tests_are_refused(string note) =>
        Assert.Throws<LedgerFormatException>(() => SignedNote.Parse(Encoding.UTF8.GetBytes(note)));

    [Fact]
    public void Notes_that_break_the_spec_in_other_ways_are_refused()
    {
        string sig = SignedNoteVectors.PeterSignature;
        string[] bad =
        [
            SignedNoteVectors.PeterText + "\n" + "- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", // hyphen, not em dash
            SignedNoteVectors.PeterText + "\n" + sig.Replace("=\n", "\n", StringComparison.Ordinal), // padding missing
            SignedNoteVectors.PeterText + "\n" + sig.Replace("AM=", "AN=", StringComparison.Ordinal), // non-zero pad bits
            SignedNoteVectors.PeterText + "\n" + "\u2014 Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            SignedNoteVectors.PeterText + "\n" + "\u2014 PeterNeumann AAAA\n", // fewer than 5 bytes
            SignedNoteVectors.PeterText + "\n" + "\u2014  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            SignedNoteVectors.PeterText + "\n" + sig.Replace(" x08", "  x08", StringComparison.Ordinal),
            SignedNoteVectors.PeterText.Replace("\n", "\r\n", StringComparison.Ordinal) + "\n" + sig,
            SignedNoteVectors.PeterText + "\t\n\n" + sig,
            "\n" + sig,
        ];
        foreach (string note in bad)
        {
            Assert.Throws<LedgerFormatException>(() => SignedNote.Parse(Encoding.UTF8.GetBytes(note)));
        }

        Assert.Throws<LedgerFormatException>(() => SignedNote.Parse([.. Encoding.UTF8.GetBytes(SignedNoteVectors.PeterText), 0xFF, (byte)'\n', (byte)'\n', .. Encoding.UTF8.GetBytes(sig)]));
    }

    [Fact]
    public void A_note_with_more_signatures_than_the_limit_is_refused_and_sixteen_are_accepted()
    {
        string many = SignedNoteVectors.PeterText + "\n" + string.Concat(Enumerable.Repeat(SignedNoteVectors.PeterSignature, 101));
        Assert.Throws<LedgerFormatException>(() => SignedNote.Parse(Encoding.UTF8.GetBytes(many)));
        string sixteen = SignedNoteVectors.PeterText + "\n" + string.Concat(Enumerable.Repeat(SignedNoteVectors.PeterSignature, 16));
        SignedNote note = SignedNote.Parse(Encoding.UTF8.GetBytes(sixteen), new NoteLimits { MaxSignatures = 16 });
        Assert.True(note.Verify([NoteVerifierKey.Parse(SignedNoteVectors.PeterVerifierKey)]).IsValid);
        Assert.Throws<LedgerFormatException>(() => SignedNote.Parse(Encoding.UTF8.GetBytes(sixteen), new NoteLimits { MaxBytes = 100 }));
    }

    [Theory]
    [MemberData(nameof(SignedNoteVectors.BadVerifierKeys), MemberType = typeof(SignedNoteVectors))]
    public void Verifier_keys_the_go_tests_refuse_are_refused(string vkey) => Assert.False(NoteVerifierKey.TryParse(vkey, out _));

    [Fact]
    public void Every_substring_and_every_one_character_change_of_a_verifier_key_is_refused()
    {
        // As in golang.org/x/mod TestNewVerifier.
        string vkey = SignedNoteVectors.PeterVerifierKey;
        Assert.True(NoteVerifierKey.TryParse(vkey, out _));
        for (int i = 0; i <= vkey.Length; i++)
        {
            for (int j = i + 1; j <= vkey.Length; j++)
            {
                if (i != 0 || j != vkey.Length)
                {
                    Assert.False(NoteVerifierKey.TryParse(vkey[i..j], out _), vkey[i..j]);
                }
            }
        }

        for (int i = 0; i < vkey.Length; i++)
        {
            char[] changed = vkey.ToCharArray();
            changed[i]++;
            Assert.False(NoteVerifierKey.TryParse(new string(changed), out _), new string(changed));
        }

        Assert.False(NoteVerifierKey.TryParse(vkey.ToUpperInvariant(), out _));
        Assert.False(NoteVerifierKey.TryParse(vkey.Replace("c74f20a3", "C74F20A3", StringComparison.Ordinal), out _));
    }

    [Fact]
    public void The_key_id_is_the_first_four_bytes_of_sha256_of_name_newline_type_key()
    {
        using StixSigningKey key = PeterKey();
        byte[] input = [.. "PeterNeumann"u8, 0x0A, 0x01, .. key.VerificationKey.RawPublicKey.Span];
        uint expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(System.Security.Cryptography.SHA256.HashData(input));
        Assert.Equal(expected, NoteVerifierKey.ComputeKeyId("PeterNeumann", NoteKeyType.Ed25519, key.VerificationKey.RawPublicKey.Span));
        Assert.NotEqual(expected, NoteVerifierKey.ComputeKeyId("PeterNeumann", NoteKeyType.Cosignature, key.VerificationKey.RawPublicKey.Span));
    }

    [Fact]
    public void Any_single_bit_change_to_a_signed_note_is_refused_or_fails_verification()
    {
        NoteVerifierKey peter = NoteVerifierKey.Parse(SignedNoteVectors.PeterVerifierKey);
        byte[] note = Encoding.UTF8.GetBytes(SignedNoteVectors.PeterText + "\n" + SignedNoteVectors.PeterSignature);
        for (int bit = 0; bit < note.Length * 8; bit++)
        {
            byte[] changed = (byte[])note.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            try
            {
                Assert.False(SignedNote.Parse(changed).Verify([peter]).IsValid, $"bit {bit}");
            }
            catch (LedgerFormatException)
            {
            }
        }
    }
}
