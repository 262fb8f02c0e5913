using System.Net;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>
/// SQLite's -shm file truncated under the running cloud: SQLite's next access to its mapping
/// would die of SIGBUS. The store refuses to run statements instead: readiness turns 503 naming
/// the store, the cause is logged, the process lives (a process of its own, so a fault would not
/// take the test host with it).
/// </summary>
public sealed class SharedMemoryFaultTests
{
    [Fact]
    public async Task A_truncated_shm_file_fails_readiness_with_a_log_line_instead_of_killing_the_process()
    {
        var data = Directory.CreateTempSubdirectory("simiot-shm").FullName;
        try
        {
            await using var cloud = await CloudProcess.StartAsync(data);
            await cloud.WaitReadyAsync();
            using (var shm = new FileStream(Path.Combine(data, "simiot.db-shm"), FileMode.Open, FileAccess.Write))
                shm.SetLength(0);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                Assert.False(cloud.HasExited, $"the cloud died:\n{cloud.Output}");
                using var response = await cloud.Http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Contains("store", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"/readyz stayed 200 after the -shm file was truncated:\n{cloud.Output}");
                await Task.Delay(100);
            }
            Assert.Equal("ok", await cloud.Http.GetStringAsync("/healthz"));
            // The readiness publisher logs the change on its next run (every 2 s).
            while (!cloud.Output.Contains("simiot.db-shm was truncated", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, $"nothing logged about the -shm file:\n{cloud.Output}");
                await Task.Delay(100);
            }
            Assert.False(cloud.HasExited, $"the cloud died:\n{cloud.Output}");
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }
}
