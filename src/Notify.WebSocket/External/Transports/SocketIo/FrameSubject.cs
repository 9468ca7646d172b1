namespace Notify.WebSocket.External.Transports.SocketIo;

/// <summary>The minimal observable SocketIOClient's transports subscribe to: frames in, errors to end the connection.</summary>
internal sealed class FrameSubject<T> : IObservable<T>
{
    private IObserver<T>[] _observers = [];

    public IDisposable Subscribe(IObserver<T> observer)
    {
        lock (this)
        {
            _observers = [.. _observers, observer];
        }

        return new Subscription(this, observer);
    }

    public void OnNext(T value)
    {
        foreach (var observer in Volatile.Read(ref _observers))
        {
            observer.OnNext(value);
        }
    }

    public void OnError(Exception error)
    {
        foreach (var observer in Volatile.Read(ref _observers))
        {
            observer.OnError(error);
        }
    }

    private sealed class Subscription(FrameSubject<T> subject, IObserver<T> observer) : IDisposable
    {
        public void Dispose()
        {
            lock (subject)
            {
                subject._observers = [.. subject._observers.Where(o => !ReferenceEquals(o, observer))];
            }
        }
    }
}
