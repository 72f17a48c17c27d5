using Detente.Stix.Json;

namespace Detente.Stix.Validation;

/// <summary>Validates STIX 2.1 content against the specification: MUST rules as errors, SHOULD rules as warnings.</summary>
/// <remarks>
/// <para>
/// Every property of every type STIX 2.1 defines is described once in a catalog (<c>Detente.Stix.Schema</c>); the
/// validator walks an object's members against it (types, ranges, references, vocabularies, nested types,
/// extensions, custom properties), then runs the cross-property rules of the object's type. All problems are
/// collected; nothing stops at the first one, and bad input never throws.
/// </para>
/// <para>
/// The validator is stateless and thread-safe. References are checked for their form and target type only; whether
/// the referenced objects exist is outside its scope. The deprecated observable container (observed-data
/// <c>objects</c>) is checked for its shape only.
/// </para>
/// <para>STIX 2.1 OASIS Standard (10 June 2021), with the vocabulary additions of Errata 01.</para>
/// </remarks>
public sealed class StixValidator
{
    private readonly StixValidatorOptions _options;

    /// <summary>Creates a validator with <paramref name="options"/> (the defaults when null).</summary>
    public StixValidator(StixValidatorOptions? options = null)
    {
        _options = options ?? StixValidatorOptions.Default;
    }

    /// <summary>The options this validator uses.</summary>
    public StixValidatorOptions Options => _options;

    /// <summary>Validates a document: a bundle (paths <c>$.objects[i]…</c>) or a single STIX Object (paths <c>$…</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public ValidationReport Validate(JsonValue document)
    {
        ArgumentNullException.ThrowIfNull(document);
        ValidationContext ctx = ValidationContext.Rent("$", _options);
        if (document is not JsonObject obj)
        {
            ctx.Error(ValidationRules.DocumentNotObject, $"must be a JSON object (a bundle or a STIX Object), not {ObjectValidator.Describe(document)}");
        }
        else if (obj.GetString("type") == "bundle")
        {
            BundleValidator.Validate(obj, ctx);
        }
        else
        {
            ObjectValidator.ValidateObject(obj, ctx);
        }

        return ctx.Complete();
    }

    /// <summary>Validates one STIX Object; issue paths start with <paramref name="path"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="path">The path of the object in its document, e.g. <c>$.objects[3]</c>; <c>$</c> by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> or <paramref name="path"/> is null.</exception>
    public ValidationReport Validate(StixObject obj, string path = "$")
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(path);
        ValidationContext ctx = ValidationContext.Rent(path, _options);
        ObjectValidator.ValidateObject(obj.Json, ctx);
        return ctx.Complete();
    }

    /// <summary>Validates a bundle and every object in it (paths <c>$.objects[i]…</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="bundle"/> is null.</exception>
    public ValidationReport Validate(StixBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ValidationContext ctx = ValidationContext.Rent("$", _options);
        BundleValidator.Validate(bundle.Json, ctx);
        return ctx.Complete();
    }
}
