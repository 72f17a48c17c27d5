namespace Detente.Taxii;

/// <summary>The HTTP headers TAXII 2.1 defines (§3.2).</summary>
public static class TaxiiHeaders
{
    /// <summary>
    /// <c>X-TAXII-Date-Added-First</c>: the <c>date_added</c> of the first object of a response (a timestamp). Required
    /// on 2xx responses to GET objects, object, versions and manifest.
    /// </summary>
    public const string DateAddedFirst = "X-TAXII-Date-Added-First";

    /// <summary>
    /// <c>X-TAXII-Date-Added-Last</c>: the <c>date_added</c> of the last object of a response (a timestamp); a client
    /// without a <c>next</c> token continues with <c>added_after</c> set to it (TAXII 2.1 §3.5).
    /// </summary>
    public const string DateAddedLast = "X-TAXII-Date-Added-Last";
}
