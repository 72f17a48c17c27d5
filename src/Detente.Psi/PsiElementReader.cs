namespace Detente.Psi;

/// <summary>Reads a set from text: one element per line (<c>type:value</c>), blank lines and <c>#</c> comments skipped.</summary>
public static class PsiElementReader
{
    /// <summary>Reads every line of <paramref name="reader"/>; duplicates (after canonicalization) are kept once, in first-seen order.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="maxElements">Most distinct elements accepted.</param>
    /// <exception cref="PsiException">A line is not an element (<see cref="PsiException.Position"/> is its 1-based number), or there are too many.</exception>
    public static List<PsiElement> ReadLines(TextReader reader, int maxElements = 2_000_000)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var seen = new HashSet<PsiElement>();
        var elements = new List<PsiElement>();
        long lineNumber = 0;
        while (reader.ReadLine() is string line)
        {
            lineNumber++;
            string text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            if (!PsiElement.TryParse(text, out PsiElement element, out string? error))
            {
                throw new PsiException($"line {lineNumber}: {error}", lineNumber);
            }

            if (seen.Add(element))
            {
                if (elements.Count == maxElements)
                {
                    throw new PsiException($"line {lineNumber}: more than {maxElements} elements", lineNumber);
                }

                elements.Add(element);
            }
        }

        return elements;
    }
}
