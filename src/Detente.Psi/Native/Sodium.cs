using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Detente.Psi.Native;

/// <summary>
/// The few libsodium functions the PSI protocol uses: ristretto255 hash-to-group, point validation, scalar
/// multiplication, point addition and subtraction, and scalar arithmetic. Every function takes spans of fixed length, checked by the callers in
/// <see cref="Ristretto255"/>; nothing here allocates.
/// </summary>
/// <remarks>The native library is the one the <c>libsodium</c> NuGet package ships (NSec uses the same one).</remarks>
internal static partial class Sodium
{
    private const string Library = "libsodium";

    [LibraryImport(Library, EntryPoint = "sodium_init")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int SodiumInit();

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_from_hash")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int FromHash(Span<byte> point, ReadOnlySpan<byte> hash);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_is_valid_point")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int IsValidPoint(ReadOnlySpan<byte> point);

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult_ristretto255")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int ScalarMult(Span<byte> result, ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> point);

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult_ristretto255_base")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int ScalarMultBase(Span<byte> result, ReadOnlySpan<byte> scalar);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_add")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int Add(Span<byte> result, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_sub")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int Sub(Span<byte> result, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_random")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void ScalarRandom(Span<byte> scalar);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_invert")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int ScalarInvert(Span<byte> inverse, ReadOnlySpan<byte> scalar);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_reduce")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void ScalarReduce(Span<byte> scalar, ReadOnlySpan<byte> wide);

    [LibraryImport(Library, EntryPoint = "crypto_core_ristretto255_scalar_mul")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void ScalarMul(Span<byte> product, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);
}
