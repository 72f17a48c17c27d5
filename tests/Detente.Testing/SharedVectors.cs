namespace Detente.Testing;

/// <summary>Locates the reference test vectors kept beside the repository (never copied into it).</summary>
public static class SharedVectors
{
    /// <summary>
    /// The folder <c>../shared/vectors/NAME</c> relative to the repository root, or <c>DETENTE_VECTORS/NAME</c>
    /// when that variable is set; null when the folder is absent.
    /// </summary>
    public static string? Find(string name)
    {
        string? root = Environment.GetEnvironmentVariable("DETENTE_VECTORS");
        if (!string.IsNullOrEmpty(root))
        {
            string candidate = Path.Combine(root, name);
            return Directory.Exists(candidate) ? candidate : null;
        }

        string? repo = RepositoryRoot();
        if (repo is null)
        {
            return null;
        }

        string shared = Path.GetFullPath(Path.Combine(repo, "..", "shared", "vectors", name));
        return Directory.Exists(shared) ? shared : null;
    }

    /// <summary>The folder holding <c>Detente.slnx</c>, searched upward from the test's base directory.</summary>
    public static string? RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Detente.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
