namespace Detente.Node;

/// <summary>Witnessing messages: this node as a witness, and the witnesses of its log (event ids 8100–8109).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8110, Level = LogLevel.Information, Message = "Witness: {Origin} add-checkpoint answered {StatusCode}: {Message}")]
    public static partial void WitnessAnswered(ILogger logger, string origin, int statusCode, string message);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Debug, Message = "Transparency log: witness {Witness} cosigned the checkpoint of {Size} entries")]
    public static partial void Cosigned(ILogger logger, string witness, long size);

    [LoggerMessage(EventId = 8112, Level = LogLevel.Warning,
        Message = "Transparency log: witness {Witness} did not cosign the checkpoint of {Size} entries: {Problem}; retrying in {RetrySeconds} s")]
    public static partial void WitnessFailed(ILogger logger, string witness, long size, string problem, double retrySeconds);

    [LoggerMessage(EventId = 8113, Level = LogLevel.Error, Message = "Transparency log: collecting cosignatures failed; retrying")]
    public static partial void CosigningFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8114, Level = LogLevel.Information, Message = "Transparency log {Origin}: {Count} version(s) stored before the log got entries (backfill)")]
    public static partial void LogBackfilled(ILogger logger, string origin, int count);

    [LoggerMessage(EventId = 8150, Level = LogLevel.Warning,
        Message = "Transparency log: {Count} witness token(s) kept in the store by an older version moved to the data folder (log-witnesses/)")]
    public static partial void WitnessTokensMoved(ILogger logger, int count);
}
