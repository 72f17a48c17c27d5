using System.CommandLine;
using System.Globalization;
using Detente.Psi;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command PsiCommand()
    {
        var initiator = new Argument<string>("A") { Description = "The initiator's set: one element per line ('ipv4-addr:198.51.100.3', 'domain-name:example.com', 'file:SHA-256:<hex>', ...)." };
        var responder = new Argument<string>("B") { Description = "The responder's set, in the same form." };
        var cardinality = new Option<bool>("--cardinality") { Description = "Learn only how many elements are common, not which." };
        var filterBits = new Option<int?>("--filter-bits")
        {
            Description = "Send the responder's set as a Golomb-compressed set with false-positive rate 2^-P (P from 1 to 32) instead of 16-byte tags.",
        };
        var pad = new Option<int>("--pad") { Description = "Pad both sets with dummies up to this size, so only it is revealed." };
        var local = new Command("local", "Run both sides of a private set intersection in this process: print the common elements of A and B "
            + "(or their number, with --cardinality) on standard output, and sizes, bytes each way and time per phase on standard error.")
        {
            initiator,
            responder,
            cardinality,
            filterBits,
            pad,
        };
        local.SetAction((result, cancellationToken) => PsiLocalAsync(result.GetValue(initiator)!, result.GetValue(responder)!, result.GetValue(cardinality),
            result.GetValue(filterBits), result.GetValue(pad), cancellationToken));
        return new Command("psi", "Private set intersection: learn what two sets share, and nothing else.") { local };
    }

    private async Task<int> PsiLocalAsync(string initiatorPath, string responderPath, bool cardinality, int? filterBits, int pad, CancellationToken cancellationToken)
    {
        if (filterBits is < 1 or > 32 || pad < 0)
        {
            await _stderr.WriteLineAsync("detente: --filter-bits is from 1 to 32 and --pad is not negative");
            return ExitCodes.Unusable;
        }

        List<PsiElement>? a = await ReadSetAsync(initiatorPath, cancellationToken);
        List<PsiElement>? b = a is null ? null : await ReadSetAsync(responderPath, cancellationToken);
        if (a is null || b is null)
        {
            return ExitCodes.Unusable;
        }

        var options = new PsiOptions { PadTo = pad };
        PsiLocalReport report;
        try
        {
            report = PsiLocal.Run(a, b, cardinality ? PsiMode.Cardinality : PsiMode.Intersection, filterBits, options, options, _timeProvider);
        }
        catch (PsiException e)
        {
            await _stderr.WriteLineAsync($"detente: {e.Message}");
            return ExitCodes.Unusable;
        }

        if (cardinality)
        {
            await _stdout.WriteLineAsync(report.Result.Count.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            foreach (PsiElement element in report.Result.Intersection)
            {
                await _stdout.WriteLineAsync(element.ToString());
            }
        }

        string mode = cardinality ? "cardinality" : "intersection";
        string filter = filterBits is null
            ? string.Empty
            : FormattableString.Invariant($" (compressed set, false-positive rate {report.Result.FalsePositiveRate:G3} per element)");
        await _stderr.WriteLineAsync(FormattableString.Invariant(
            $"psi: {mode} {report.Result.Count} of A {report.InitiatorSetSize} and B {report.ResponderSetSize}{filter}"));
        await _stderr.WriteLineAsync(FormattableString.Invariant($"psi: bytes A->B {report.BytesToResponder}, B->A {report.BytesToInitiator}"));
        await _stderr.WriteLineAsync(FormattableString.Invariant(
            $"psi: ms prepare {report.Prepare.TotalMilliseconds:F0}, blind {report.Blind.TotalMilliseconds:F0}, evaluate {report.Evaluate.TotalMilliseconds:F0}, finalize {report.Finalize.TotalMilliseconds:F0}, compare {report.Compare.TotalMilliseconds:F0}, online {report.Online.TotalMilliseconds:F0}"));
        return ExitCodes.Ok;
    }

    /// <summary>Reads a set file; null (with the file and line on standard error) when it cannot be used.</summary>
    private async Task<List<PsiElement>?> ReadSetAsync(string path, CancellationToken cancellationToken)
    {
        Stream? stream = OpenInput(path);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            string text = await reader.ReadToEndAsync(cancellationToken);
            try
            {
                return PsiElementReader.ReadLines(new StringReader(text));
            }
            catch (PsiException e)
            {
                await _stderr.WriteLineAsync($"detente: {path}: {e.Message}");
                return null;
            }
        }
    }
}
