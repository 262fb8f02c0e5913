using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>
/// Holds a page's requests to matching addresses until the test releases them, so an answer comes
/// back after the page has moved on. Holds at most <c>limit</c> requests; later ones pass.
/// </summary>
public sealed class HeldRoute
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<IRequest, bool> _hold;
    private readonly int _limit;
    private int _held;

    private HeldRoute(Func<IRequest, bool> hold, int limit)
    {
        _hold = hold;
        _limit = limit;
    }

    public static async Task<HeldRoute> StartAsync(IPage page, Regex url, int limit, Func<IRequest, bool>? hold = null)
    {
        var route = new HeldRoute(hold ?? (_ => true), limit);
        await page.RouteAsync(url, route.HandleAsync);
        return route;
    }

    public Task WaitUntilHeldAsync() =>
        Eventually.TrueAsync(() => Volatile.Read(ref _held) >= _limit, $"{_limit} request(s) are held", TimeSpan.FromSeconds(30));

    public void Release() => _release.TrySetResult();

    private async Task HandleAsync(IRoute route)
    {
        if (_hold(route.Request) && Interlocked.Increment(ref _held) <= _limit) await _release.Task;
        await route.ContinueAsync();
    }
}
