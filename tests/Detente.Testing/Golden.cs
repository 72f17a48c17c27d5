using System.Text;

namespace Detente.Testing;

/// <summary>Golden files: expected output kept in the repository and compared byte for byte.</summary>
/// <remarks><c>DETENTE_UPDATE_GOLDEN=1</c> rewrites a file that differs (or is missing) instead of failing, for review in the diff.</remarks>
public static class Golden
{
    /// <summary>
    /// Returns null when <paramref name="actual"/> equals the file at <paramref name="path"/> (relative to the
    /// repository root), otherwise a message saying how they differ.
    /// </summary>
    public static string? Compare(string path, ReadOnlySpan<byte> actual)
    {
        string root = SharedVectors.RepositoryRoot() ?? throw new InvalidOperationException("The repository root (Detente.slnx) was not found.");
        string file = Path.Combine(root, path);
        byte[]? expected = File.Exists(file) ? File.ReadAllBytes(file) : null;
        if (expected is not null && actual.SequenceEqual(expected))
        {
            return null;
        }

        if (Environment.GetEnvironmentVariable("DETENTE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, actual.ToArray());
            return null;
        }

        return expected is null
            ? $"{path} does not exist; run with DETENTE_UPDATE_GOLDEN=1 to create it.\nActual: {Encoding.UTF8.GetString(actual)}"
            : $"{path} differs; run with DETENTE_UPDATE_GOLDEN=1 to rewrite it.\nExpected: {Encoding.UTF8.GetString(expected)}\nActual:   {Encoding.UTF8.GetString(actual)}";
    }
}
