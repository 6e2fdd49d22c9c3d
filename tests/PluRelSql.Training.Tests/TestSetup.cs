using System.Runtime.CompilerServices;

namespace PluRelSql.Training.Tests;

internal static class TestSetup
{
    // One torch thread: on the shared 2-core machine two OpenMP threads spin-wait for each other and a step gets ~30x slower.
    [ModuleInitializer]
    internal static void SingleTorchThread() => TorchSharp.torch.set_num_threads(1);
}
