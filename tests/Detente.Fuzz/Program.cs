using SharpFuzz;

namespace Detente.Fuzz;

/// <summary>
/// <c>Detente.Fuzz TARGET</c> runs one target under AFL++ (see run-afl.sh);
/// <c>Detente.Fuzz TARGET --replay FILE...</c> runs files through it once, for reproducing a crash.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out FuzzTarget? target))
        {
            Console.Error.WriteLine($"usage: Detente.Fuzz {string.Join('|', FuzzTargets.All.Keys)} [--replay FILE...]");
            return 2;
        }

        if (args.Length > 1 && args[1] == "--replay")
        {
            foreach (string file in args.Skip(2))
            {
                target(File.ReadAllBytes(file));
                Console.WriteLine($"{file}: ok");
            }

            return 0;
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            target(memory.ToArray());
        });
        return 0;
    }
}
