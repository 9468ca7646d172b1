namespace Notify.WebSocket.External;

/// <summary>A provider listening to a pooled connection's incoming events. Called on the receive loop: must not block.</summary>
internal interface IIncomingSubscriber
{
    void OnIncoming(IncomingFrame frame);
}
