namespace Detente.Ledger.Notes;

/// <summary>Bounds on a signed note, checked before anything else is done with it.</summary>
public sealed record NoteLimits
{
    /// <summary>The defaults.</summary>
    public static NoteLimits Default { get; } = new();

    /// <summary>The largest note, in bytes. Default 256 KiB (room for 16 post-quantum signatures of about 5 kB).</summary>
    public int MaxBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 16);
            field = value;
        }
    } = 256 * 1024;

    /// <summary>The most signature lines a note may carry. Default 100; C2SP signed-note requires accepting at least 16.</summary>
    public int MaxSignatures
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 16);
            field = value;
        }
    } = 100;
}
