using System.Threading.Channels;
using FourM.Grains.Interfaces.Sessions;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace FourM.Grains.Sessions;

/// <summary>
/// Fans a session's updates out to every participant: each <c>Watch</c> call gets its own bounded channel (a slow
/// watcher loses its oldest updates, never blocks the session), and subscribed observers get pushes.
/// </summary>
public sealed class SessionWatchers(ILogger logger)
{
    private readonly List<Channel<StepUpdate>> _channels = new();
    private readonly ObserverManager<ISessionObserver> _observers = new(TimeSpan.FromMinutes(10), logger);

    public Channel<StepUpdate> Open()
    {
        var channel = Channel.CreateBounded<StepUpdate>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        _channels.Add(channel);
        return channel;
    }

    public void Close(Channel<StepUpdate> channel)
    {
        _channels.Remove(channel);
        channel.Writer.TryComplete();
    }

    public void Subscribe(ISessionObserver observer) => _observers.Subscribe(observer, observer);

    public void Unsubscribe(ISessionObserver observer) => _observers.Unsubscribe(observer);

    public void Publish(StepUpdate update)
    {
        foreach (var channel in _channels) channel.Writer.TryWrite(update);
        _ = _observers.Notify(o => o.OnStep(update));
    }
}
