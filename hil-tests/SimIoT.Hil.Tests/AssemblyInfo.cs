// Scenarios run one after another: each brings up a whole chain (cloud, JVM card host, agent,
// sometimes Chromium) and measures latencies; on a 2-core machine running them side by side
// would measure the machine, not the system.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
