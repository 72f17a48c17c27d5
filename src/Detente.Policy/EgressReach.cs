namespace Detente.Policy;

/// <summary>
/// Which kinds of reader an object version can ever reach, known from the version alone (<see cref="SharingPolicy.ReachOf"/>):
/// whatever the settings, the collection, the path or the reader's name, <see cref="SharingPolicy.Decide"/> denies the
/// version to every reader kind outside the reach. A store keeps it beside each version so that a read for a reader outside
/// the reach can skip those versions with an index instead of reading and dropping them.
/// </summary>
/// <remarks>The value is stored: never renumber a member.</remarks>
public enum EgressReach : byte
{
    /// <summary>Nothing about the version alone excludes a reader kind: the decision decides, reader by reader.</summary>
    Any = 0,

    /// <summary>Local users only: the version carries an object-level TLP:RED or TLP:AMBER+STRICT marking (TLP 2.0 or 1.0
    /// ids), so every partner, guest and the federation are denied it.</summary>
    LocalUsers = 1,
}

/// <summary>The reach of object versions (see <see cref="EgressReach"/>).</summary>
public sealed partial class SharingPolicy
{
    /// <summary>
    /// The reader kinds <paramref name="facts"/>' version can ever reach, whatever the policy's settings: <see cref="EgressReach.LocalUsers"/>
    /// when an object-level marking is TLP:RED or TLP:AMBER+STRICT, else <see cref="EgressReach.Any"/>.
    /// </summary>
    /// <remarks>
    /// Conservative by construction: only what makes <see cref="Decide"/> deny a partner, a guest and the federation on every
    /// path counts. The object's level is the most restrictive of its object-level markings, so one TLP:RED or
    /// TLP:AMBER+STRICT id puts it at AMBER+STRICT or above whatever the collection's default (which the operator may change
    /// at run time) or its other markings; <see cref="Build"/> refuses a TLP id as a sharing group's or a neutral marking,
    /// so no setting reads such an id otherwise; and the audience step denies those readers at that level before egress
    /// rules and granular markings, which only narrow. What depends on the reader or on settings that can change (the
    /// collection's default for unmarked or unknown markings, sharing groups, AMBER received from a partner, egress rules,
    /// granular markings and redaction rules) is left to the decision. Property: <c>DecisionProperties.A_version_outside_its_reach_is_denied_to_every_such_reader</c>.
    /// </remarks>
    public static EgressReach ReachOf(in ObjectFacts facts)
    {
        foreach (string markingRef in facts.ObjectMarkingRefs)
        {
            if (Tlp.TryFromMarkingId(markingRef, out TlpLevel level) && level >= TlpLevel.AmberStrict)
            {
                return EgressReach.LocalUsers;
            }
        }

        return EgressReach.Any;
    }

    /// <summary>True when a version of reach <paramref name="reach"/> may reach <paramref name="reader"/> at all (the
    /// decision still decides); false when <see cref="Decide"/> denies it whatever else holds.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    public static bool MayReach(EgressReach reach, PolicyPrincipal reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reach == EgressReach.Any || reader.Kind == PrincipalKind.LocalUser;
    }
}
