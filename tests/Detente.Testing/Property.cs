using CsCheck;

namespace Detente.Testing;

/// <summary>Runs property checks from a fixed seed so that a run is repeatable, and prints the seed of a failing case.</summary>
/// <remarks>
/// <c>DETENTE_PROPERTY_SEED=&lt;seed&gt;</c> replays one printed case; <c>DETENTE_PROPERTY_RANDOM=1</c> starts from a
/// random seed (printed on failure) for exploratory runs; <c>DETENTE_PROPERTY_ITERATIONS</c> scales every check.
/// </remarks>
public static class Property
{
    /// <summary>The base seed CI uses.</summary>
    public const ulong FixedSeed = 0x0D37_E47E_2026_1123;

    /// <summary>Checks <paramref name="assert"/> on <paramref name="iterations"/> values drawn from <paramref name="gen"/>.</summary>
    /// <exception cref="PropertyFailedException">The assertion failed for some value; the message holds its seed.</exception>
    public static void ForAll<T>(Gen<T> gen, Action<T> assert, int iterations = 200, Func<T, string>? print = null)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(assert);
        string? replay = Environment.GetEnvironmentVariable("DETENTE_PROPERTY_SEED");
        if (!string.IsNullOrEmpty(replay))
        {
            RunOne(gen, assert, PCG.Parse(replay), print);
            return;
        }

        if (int.TryParse(Environment.GetEnvironmentVariable("DETENTE_PROPERTY_ITERATIONS"), out int scaled) && scaled > 0)
        {
            iterations = scaled;
        }

        ulong baseSeed = Environment.GetEnvironmentVariable("DETENTE_PROPERTY_RANDOM") == "1"
            ? (ulong)Random.Shared.NextInt64()
            : FixedSeed;
        var seeds = new PCG(1, baseSeed);
        for (int i = 0; i < iterations; i++)
        {
            RunOne(gen, assert, new PCG(1, seeds.Next64()), print);
        }
    }

    /// <summary>Checks the asynchronous <paramref name="assert"/> on <paramref name="iterations"/> values drawn from
    /// <paramref name="gen"/>, one after the other, with the seeds and replay of <see cref="ForAll{T}"/>.</summary>
    /// <exception cref="PropertyFailedException">The assertion failed for some value; the message holds its seed.</exception>
    public static async Task ForAllAsync<T>(Gen<T> gen, Func<T, Task> assert, int iterations = 100, Func<T, string>? print = null)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(assert);
        string? replay = Environment.GetEnvironmentVariable("DETENTE_PROPERTY_SEED");
        if (!string.IsNullOrEmpty(replay))
        {
            await RunOneAsync(gen, assert, PCG.Parse(replay), print);
            return;
        }

        if (int.TryParse(Environment.GetEnvironmentVariable("DETENTE_PROPERTY_ITERATIONS"), out int scaled) && scaled > 0)
        {
            iterations = scaled;
        }

        ulong baseSeed = Environment.GetEnvironmentVariable("DETENTE_PROPERTY_RANDOM") == "1"
            ? (ulong)Random.Shared.NextInt64()
            : FixedSeed;
        var seeds = new PCG(1, baseSeed);
        for (int i = 0; i < iterations; i++)
        {
            await RunOneAsync(gen, assert, new PCG(1, seeds.Next64()), print);
        }
    }

    private static async Task RunOneAsync<T>(Gen<T> gen, Func<T, Task> assert, PCG pcg, Func<T, string>? print)
    {
        string seed = pcg.ToString();
        T value = gen.Generate(pcg, null, out _);
        try
        {
            await assert(value);
        }
        catch (Exception e)
        {
            throw new PropertyFailedException($"Property failed; replay with DETENTE_PROPERTY_SEED={seed}\nValue: {Shown(value, print)}\n{e.Message}", e);
        }
    }

    private static string Shown<T>(T value, Func<T, string>? print)
    {
        string shown = print is null ? value?.ToString() ?? "null" : print(value);
        return shown.Length > 2000 ? string.Concat(shown.AsSpan(0, 2000), "…") : shown;
    }

    private static void RunOne<T>(Gen<T> gen, Action<T> assert, PCG pcg, Func<T, string>? print)
    {
        string seed = pcg.ToString();
        T value = gen.Generate(pcg, null, out _);
        try
        {
            assert(value);
        }
        catch (Exception e)
        {
            throw new PropertyFailedException($"Property failed; replay with DETENTE_PROPERTY_SEED={seed}\nValue: {Shown(value, print)}\n{e.Message}", e);
        }
    }
}

/// <summary>A property check failed; the message names the seed that replays it.</summary>
public sealed class PropertyFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PropertyFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PropertyFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PropertyFailedException(string message)
        : base(message)
    {
    }
}
