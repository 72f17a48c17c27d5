namespace Detente.Node;

/// <summary>The sharing policy's log messages (event ids 8060–8069).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8060, Level = LogLevel.Information, Message = "Built the sharing policy of settings version {Version}: {Partners} partners, {Groups} sharing groups")]
    public static partial void SharingPolicyBuilt(ILogger logger, long version, int partners, int groups);

    [LoggerMessage(EventId = 8061, Level = LogLevel.Error, Message = "The sharing settings of version {Version} are refused; the previous policy stays: {Problems}")]
    public static partial void SharingPolicyRefused(ILogger logger, long version, string problems);

    [LoggerMessage(EventId = 8062, Level = LogLevel.Error, Message = "Reading the sharing settings failed; the current policy stays")]
    public static partial void SharingRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8063, Level = LogLevel.Information, Message = "Computed the policy facts of {Count} object versions stored without them")]
    public static partial void FactsFilled(ILogger logger, int count);

    [LoggerMessage(EventId = 8180, Level = LogLevel.Information, Message = "Gave their egress class to {Count} object versions stored before the store kept it")]
    public static partial void EgressClassesGiven(ILogger logger, int count);
}
