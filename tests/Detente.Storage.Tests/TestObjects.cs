using System.Text;
using Detente.Stix;

namespace Detente.Storage.Tests;

/// <summary>Small STIX objects for store tests, written with deliberately odd (but valid) JSON layout so that a
/// store that re-serializes instead of keeping the bytes is caught.</summary>
internal static class TestObjects
{
    public const string Created = "2025-01-01T00:00:00.000Z";

    /// <summary>A new indicator id.</summary>
    public static string NewId(string type = "indicator") => StixId.NewRandom(type).ToString();

    /// <summary>An object version: <paramref name="modified"/> null writes an object with neither created nor modified.</summary>
    public static ObjectToAdd Version(string id, string? modified, string specVersion = "2.1", string note = "")
    {
        string type = id[..id.IndexOf("--", StringComparison.Ordinal)];
        string times = modified is null ? string.Empty : $",\n  \"created\" : \"{Created}\" ,\"modified\":\"{modified}\"";
        string json = $"{{ \"type\":\"{type}\", \"spec_version\" :\"{specVersion}\",\"id\":\"{id}\"{times},\"name\":\"caf\\u00e9 {note}\",\"x_note\":\"✓ {note}\" }}";
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        return new ObjectToAdd(id, specVersion, modified is null ? null : StixTimestamp.Parse(modified), bytes);
    }

    /// <summary>The n-th timestamp of a fixed series, one second apart.</summary>
    public static string At(int n) => StixTimestamp.FromDateTimeOffset(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n)).ToString();
}
