using System.Buffers;

namespace Detente.Taxii;

/// <summary>A TAXII 2.1 resource that can be written as a response or request body.</summary>
public interface ITaxiiResource
{
    /// <summary>Writes the resource as compact UTF-8 JSON to <paramref name="output"/>.</summary>
    public void Serialize(IBufferWriter<byte> output);

    /// <summary>The resource as compact UTF-8 JSON.</summary>
    public byte[] Serialize();
}
