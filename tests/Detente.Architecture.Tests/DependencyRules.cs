using System.Reflection;

namespace Detente.Architecture.Tests;

/// <summary>Dependencies point one way: Cli → Node → {Taxii, Storage.*, Policy, Ledger, Patterns, Psi} → Stix.</summary>
public sealed class DependencyRules
{
    // Each Detente assembly and the Detente assemblies it may reference. A new project adds its line here.
    private static readonly Dictionary<string, string[]> s_allowed = new(StringComparer.Ordinal)
    {
        ["Detente.Stix"] = [],
        ["Detente.Patterns"] = ["Detente.Stix"],
        ["Detente.Policy"] = ["Detente.Stix"],
        ["Detente.Taxii"] = ["Detente.Stix"],
        ["Detente.Ledger"] = ["Detente.Stix"],
        // The store writes the transparency log's entries in the transaction that stores the objects, and keeps its tiles.
        ["Detente.Storage"] = ["Detente.Stix", "Detente.Ledger"],
        ["Detente.Storage.Sqlite"] = ["Detente.Stix", "Detente.Storage"],
        ["Detente.Storage.Postgres"] = ["Detente.Stix", "Detente.Storage"],
        ["Detente.Psi"] = ["Detente.Stix"],
        ["Detente.Node"] = ["Detente.Stix", "Detente.Patterns", "Detente.Policy", "Detente.Psi", "Detente.Taxii", "Detente.Ledger", "Detente.Storage", "Detente.Storage.Sqlite", "Detente.Storage.Postgres"],
        // Detente.Storage.Sqlite: `detente demo` plays an operator who edits its own node's SQLite database behind the node's back.
        ["detente"] = ["Detente.Stix", "Detente.Patterns", "Detente.Node", "Detente.Storage", "Detente.Storage.Sqlite", "Detente.Psi", "Detente.Ledger", "Detente.Taxii"],
    };

    private static readonly string[] s_core =
        ["Detente.Stix", "Detente.Patterns", "Detente.Policy", "Detente.Taxii", "Detente.Ledger", "Detente.Storage", "Detente.Storage.Sqlite", "Detente.Storage.Postgres", "Detente.Psi"];

    // Besides the base library, a core library references logging abstractions and the packages of its own concern.
    private static readonly Dictionary<string, string[]> s_packages = new(StringComparer.Ordinal)
    {
        ["Detente.Stix"] = ["Microsoft.Extensions.Logging.Abstractions", "NSec.Cryptography"],
        ["Detente.Patterns"] = ["Microsoft.Extensions.Logging.Abstractions"],
        ["Detente.Policy"] = [],
        ["Detente.Taxii"] = ["Microsoft.Extensions.Logging.Abstractions"],
        // Ed25519 through Detente.Stix's pinned rule (StixSigningKey, Ed25519Rules), whose signatures name NSec types.
        ["Detente.Ledger"] = ["Microsoft.Extensions.Logging.Abstractions", "NSec.Cryptography"],
        ["Detente.Storage"] = ["Microsoft.Extensions.Logging.Abstractions"],
        ["Detente.Storage.Sqlite"] = ["Microsoft.Extensions.Logging.Abstractions", "Microsoft.Data.Sqlite"],
        ["Detente.Storage.Postgres"] = ["Microsoft.Extensions.Logging.Abstractions", "Npgsql"],
        // libsodium is a native library (P/Invoke), not a referenced assembly.
        ["Detente.Psi"] = ["Microsoft.Extensions.Logging.Abstractions"],
    };

    public static TheoryData<string> Assemblies => new(s_allowed.Keys);

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Detente_references_point_one_way(string assembly)
    {
        string[] referenced = Load(assembly).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Detente", StringComparison.Ordinal) || n == "detente")
            .ToArray();
        Assert.All(referenced, r => Assert.Contains(r, s_allowed[assembly]));
    }

    [Fact]
    public void No_core_library_references_asp_net_core()
    {
        foreach (string core in s_core)
        {
            Assert.DoesNotContain(Load(core).GetReferencedAssemblies(),
                a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Core_libraries_reference_only_the_packages_of_their_concern()
    {
        foreach (string core in s_core)
        {
            string[] packages = Load(core).GetReferencedAssemblies()
                .Select(a => a.Name!)
                .Where(n => !n.StartsWith("System", StringComparison.Ordinal) && !n.StartsWith("Detente", StringComparison.Ordinal)
                    && n is not ("netstandard" or "mscorlib"))
                .ToArray();
            Assert.All(packages, p => Assert.Contains(p, s_packages[core]));
        }
    }

    [Fact]
    public void Every_detente_assembly_on_disk_has_a_dependency_rule()
    {
        string[] onDisk = Directory.GetFiles(AppContext.BaseDirectory, "Detente.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => !n!.EndsWith(".Tests", StringComparison.Ordinal) && n != "Detente.Testing")
            .ToArray()!;
        Assert.All(onDisk, n => Assert.True(s_allowed.ContainsKey(n), $"{n} has no entry in DependencyRules"));
    }
}
