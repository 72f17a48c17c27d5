using System.Reflection;
using System.Runtime.CompilerServices;

namespace Detente.Architecture.Tests;

/// <summary>Public STIX, pattern, policy, TAXII, ledger and PSI types are immutable: no public setters (init is fine), no public writable fields.</summary>
public sealed class ImmutabilityRules
{
    public static TheoryData<string> Assemblies => new("Detente.Stix", "Detente.Patterns", "Detente.Policy", "Detente.Taxii", "Detente.Ledger", "Detente.Psi");

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Public_types_of_the_model_libraries_are_immutable(string assembly)
    {
        var mutable = new List<string>();
        foreach (Type type in Assembly.Load(new AssemblyName(assembly)).GetExportedTypes())
        {
            if (typeof(Exception).IsAssignableFrom(type) || type.IsInterface || type.IsEnum)
            {
                continue;
            }

            const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (PropertyInfo p in type.GetProperties(Declared))
            {
                MethodInfo? setter = p.SetMethod;
                if (setter is { IsPublic: true } && !IsInitOnly(setter))
                {
                    mutable.Add($"{type.FullName}.{p.Name} has a public setter");
                }
            }

            foreach (FieldInfo f in type.GetFields(Declared))
            {
                if (!f.IsInitOnly && !f.IsLiteral)
                {
                    mutable.Add($"{type.FullName}.{f.Name} is a writable public field");
                }
            }
        }

        Assert.Empty(mutable);
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));
}
