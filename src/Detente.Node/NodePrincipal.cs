using Detente.Storage;

namespace Detente.Node;

/// <summary>An authenticated caller: the principal name collections grant access to, and its role.</summary>
/// <param name="Name">The principal, as grants name it.</param>
/// <param name="Role">The role of the credential it authenticated with.</param>
public sealed record NodePrincipal(string Name, TokenRole Role)
{
    /// <summary>Whether the principal administers the node (sees and may use every collection).</summary>
    public bool IsAdmin => Role == TokenRole.Admin;
}
