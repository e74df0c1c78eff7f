using KestrelUpper.Fuzz;
using SharpFuzz;

// KestrelUpper.Fuzz TARGET                  under afl-fuzz (scripts/fuzz.sh): the SharpFuzz fork server loop.
// KestrelUpper.Fuzz TARGET --replay FILE... each file through the target once, outside afl; exit 1 if any fails.
if (args.Length < 1 || !FuzzTargets.All.TryGetValue(args[0], out FuzzCheck? check))
{
    Console.Error.WriteLine($"usage: KestrelUpper.Fuzz {{{string.Join('|', FuzzTargets.All.Keys)}}} [--replay FILE...]");
    return 2;
}

if (args.Length > 1 && args[1] == "--replay")
{
    return Replay.Files(check, args.AsSpan(2));
}

Fuzzer.Run(stream =>
{
    // An array of exactly the input's length: a parser that reads one byte too far throws instead of reading slack.
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    check(copy.ToArray());
});
return 0;
